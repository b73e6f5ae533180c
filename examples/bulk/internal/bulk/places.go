package bulk

// Reference data for the generator. State codes are the LGD (census 2011)
// codes HFR ids carry and the GST state codes GSTINs start with; they
// differ only for Andhra Pradesh. PIN prefixes are the first three digits
// of PIN codes in each district.

type state struct {
	name   string
	abbr   string // as on licences and vehicle plates
	lgd    string // 2-digit LGD code, as in HFR ids
	gst    string // 2-digit GST state code
	weight int    // share of the list, roughly by population
	agency string // the State Health Agency running the scheme there
	cities []district
}

type district struct {
	name string
	pin  string // first three digits of the district's PIN codes
}

var states = []state{
	{"Uttar Pradesh", "UP", "09", "09", 16, "State Agency for Comprehensive Health and Integrated Services, Uttar Pradesh", []district{
		{"Lucknow", "226"}, {"Kanpur Nagar", "208"}, {"Varanasi", "221"}, {"Agra", "282"}, {"Prayagraj", "211"}, {"Gorakhpur", "273"}, {"Meerut", "250"}, {"Ghaziabad", "201"}}},
	{"Maharashtra", "MH", "27", "27", 10, "State Health Assurance Society, Maharashtra", []district{
		{"Pune", "411"}, {"Mumbai Suburban", "400"}, {"Nagpur", "440"}, {"Nashik", "422"}, {"Chhatrapati Sambhajinagar", "431"}, {"Kolhapur", "416"}, {"Solapur", "413"}, {"Thane", "401"}}},
	{"Bihar", "BR", "10", "10", 9, "Bihar Swasthya Suraksha Samiti", []district{
		{"Patna", "800"}, {"Gaya", "823"}, {"Muzaffarpur", "842"}, {"Bhagalpur", "812"}, {"Darbhanga", "846"}}},
	{"West Bengal", "WB", "19", "19", 7, "State Health Agency, West Bengal", []district{
		{"Kolkata", "700"}, {"Howrah", "711"}, {"Darjeeling", "734"}, {"Paschim Bardhaman", "713"}, {"Murshidabad", "742"}}},
	{"Madhya Pradesh", "MP", "23", "23", 6, "Ayushman Bharat Niramayam Society, Madhya Pradesh", []district{
		{"Bhopal", "462"}, {"Indore", "452"}, {"Jabalpur", "482"}, {"Gwalior", "474"}, {"Ujjain", "456"}}},
	{"Tamil Nadu", "TN", "33", "33", 6, "State Health Agency, Tamil Nadu", []district{
		{"Chennai", "600"}, {"Coimbatore", "641"}, {"Madurai", "625"}, {"Tiruchirappalli", "620"}, {"Salem", "636"}, {"Tirunelveli", "627"}, {"Vellore", "632"}}},
	{"Rajasthan", "RJ", "08", "08", 6, "Rajasthan State Health Assurance Agency", []district{
		{"Jaipur", "302"}, {"Jodhpur", "342"}, {"Udaipur", "313"}, {"Kota", "324"}, {"Ajmer", "305"}, {"Bikaner", "334"}}},
	{"Karnataka", "KA", "29", "29", 5, "Suvarna Arogya Suraksha Trust, Karnataka", []district{
		{"Bengaluru Urban", "560"}, {"Mysuru", "570"}, {"Belagavi", "590"}, {"Kalaburagi", "585"}, {"Dakshina Kannada", "575"}, {"Tumakuru", "572"}, {"Ballari", "583"}, {"Shivamogga", "577"}}},
	{"Gujarat", "GJ", "24", "24", 5, "State Health Agency, Gujarat", []district{
		{"Ahmedabad", "380"}, {"Surat", "395"}, {"Vadodara", "390"}, {"Rajkot", "360"}, {"Bhavnagar", "364"}}},
	{"Andhra Pradesh", "AP", "28", "37", 4, "Dr. YSR Aarogyasri Health Care Trust, Andhra Pradesh", []district{
		{"Visakhapatnam", "530"}, {"Krishna", "520"}, {"Guntur", "522"}, {"Chittoor", "517"}, {"Nellore", "524"}}},
	{"Odisha", "OD", "21", "21", 3, "State Health Assurance Society, Odisha", []district{
		{"Khordha", "751"}, {"Cuttack", "753"}, {"Ganjam", "760"}, {"Sambalpur", "768"}}},
	{"Telangana", "TS", "36", "36", 3, "Aarogyasri Health Care Trust, Telangana", []district{
		{"Hyderabad", "500"}, {"Warangal", "506"}, {"Karimnagar", "505"}, {"Nizamabad", "503"}}},
	{"Kerala", "KL", "32", "32", 3, "State Health Agency, Kerala", []district{
		{"Thiruvananthapuram", "695"}, {"Ernakulam", "682"}, {"Kozhikode", "673"}, {"Thrissur", "680"}, {"Kollam", "691"}}},
	{"Jharkhand", "JH", "20", "20", 3, "Jharkhand State Arogya Society", []district{
		{"Ranchi", "834"}, {"Dhanbad", "826"}, {"East Singhbhum", "831"}}},
	{"Assam", "AS", "18", "18", 3, "Atal Amrit Abhiyan Society, Assam", []district{
		{"Kamrup Metropolitan", "781"}, {"Dibrugarh", "786"}, {"Cachar", "788"}}},
	{"Punjab", "PB", "03", "03", 2, "State Health Agency, Punjab", []district{
		{"Ludhiana", "141"}, {"Amritsar", "143"}, {"Jalandhar", "144"}, {"Patiala", "147"}}},
	{"Chhattisgarh", "CG", "22", "22", 2, "State Nodal Agency, Chhattisgarh", []district{
		{"Raipur", "492"}, {"Bilaspur", "495"}, {"Durg", "491"}}},
	{"Haryana", "HR", "06", "06", 2, "State Health Agency, Haryana", []district{
		{"Gurugram", "122"}, {"Faridabad", "121"}, {"Hisar", "125"}, {"Rohtak", "124"}}},
	{"Delhi", "DL", "07", "07", 2, "State Health Agency, Delhi", []district{
		{"New Delhi", "110"}, {"South Delhi", "110"}, {"North West Delhi", "110"}, {"East Delhi", "110"}}},
	{"Uttarakhand", "UK", "05", "05", 1, "State Health Authority, Uttarakhand", []district{
		{"Dehradun", "248"}, {"Haridwar", "249"}, {"Nainital", "263"}}},
}

// Name parts of private hospitals: a name, then what kind of place it is.
var hospitalNames = []string{
	"Sri Sai", "Shree Ganesh", "Sanjeevani", "Lifeline", "Arogya", "City", "Sunrise", "Ganga", "Kaveri",
	"Narmada", "Sahyadri", "Vijaya", "Lakshmi", "Annapurna", "Dhanvantari", "Sushruta", "Jeevan Jyoti",
	"Prakash", "Nirmal", "Sparsh", "Sankalp", "Navjeevan", "Saraswati", "Balaji", "Sri Venkateswara",
	"Sai Krupa", "Shanti", "Mahavir", "Akshaya", "Swasthya", "Niramaya", "Karuna", "Anand", "Pragati",
	"Yashoda", "Kalpana", "Om", "Shivam", "Tulsi", "Ashirwad", "Amrit", "Chandan", "Suraksha", "Vatsalya",
	"Kamala", "Sahara", "Matrika", "Deep", "Parvati", "Sudarshan", "Vardaan", "Meenakshi", "Kalyani",
}

var hospitalKinds = []string{
	"Hospital", "Multispeciality Hospital", "Super Speciality Hospital", "Nursing Home", "Memorial Hospital",
	"Children's Hospital", "Eye Hospital", "Maternity and Nursing Home", "Heart Institute",
	"Orthopaedic Hospital", "Cancer Centre", "Medical Centre", "Hospital and Research Centre",
	"Kidney Centre", "Trauma and Critical Care Centre", "Charitable Hospital",
}

// Kinds of public hospitals; the district completes the name.
var publicKinds = []string{
	"District Hospital", "Government General Hospital", "Community Health Centre", "Sub-Divisional Hospital",
	"Government Medical College Hospital",
}

var streets = []string{
	"MG Road", "Station Road", "Hospital Road", "Main Road", "Ring Road", "Civil Lines", "Nehru Nagar",
	"Gandhi Nagar", "Market Road", "Bypass Road", "College Road", "Court Road", "Rajaji Nagar",
	"Subhash Marg", "Tilak Road", "Azad Chowk", "Shastri Nagar", "Old Bus Stand Road", "Railway Colony",
}

var firstNames = []string{
	"Asha", "Ravi", "Priya", "Mohammed", "Lakshmi", "Suresh", "Anjali", "Gurpreet", "Fatima", "Joseph",
	"Arun", "Kavita", "Deepak", "Meenakshi", "Rahul", "Sneha", "Imran", "Pooja", "Vikram", "Ritu",
	"Sanjay", "Anita", "Manoj", "Harpreet", "Nikhil", "Sunita", "Abdul", "Geeta", "Rajesh", "Neha",
	"Venkatesh", "Shabana", "Tenzin", "Bhavna", "Prakash", "Nandini", "Karthik", "Zoya", "Alok", "Rekha",
}

var lastNames = []string{
	"Rao", "Kumar", "Sharma", "Irfan", "Narayanan", "Patil", "Deshmukh", "Singh", "Begum", "Thomas",
	"Nair", "Joshi", "Verma", "Sundaram", "Banerjee", "Kulkarni", "Khan", "Reddy", "Chauhan", "Agarwal",
	"Mishra", "Das", "Pillai", "Kaur", "Gowda", "Yadav", "Rahman", "Menon", "Iyer", "Mehta",
	"Bhattacharya", "Choudhury", "Hegde", "Naidu", "Saxena", "Tripathi", "Mukherjee", "Fernandes",
}

var mailboxes = []string{"info", "admin", "tpa.desk", "insurance", "accounts", "helpdesk", "contact"}
