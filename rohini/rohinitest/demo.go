package rohinitest

import (
	"time"

	"github.com/openhcx/hcxonboard/rohini"
)

// DemoID is a ROHINI id seen in public code; it passes the GS1 check and
// is the first of [DemoHospitals].
const DemoID = "8900080336704"

// DemoHospitals returns a fresh copy of the demo directory: six hospitals
// with valid ids, realistic Indian addresses and a mix of statuses — four
// active, one suspended, one whose registration has expired. Names and
// addresses are invented; apart from [DemoID] the ids are made up too.
func DemoHospitals() []rohini.Hospital {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	return []rohini.Hospital{
		{
			ID: DemoID, Name: "Shree Sai Multispeciality Hospital",
			Address: "Plot 14, Sector 21, Kharghar", District: "Raigad", State: "Maharashtra", Pincode: "410210",
			Status: "Active", ValidUntil: date(2029, time.March, 31),
		},
		{
			ID: "8900080412156", Name: "Lakeview Heart and Kidney Centre",
			Address: "12 MG Road", District: "Bengaluru Urban", State: "Karnataka", Pincode: "560001",
			Status: "Active", ValidUntil: date(2028, time.December, 31),
		},
		{
			ID: "8900080527317", Name: "Ganga Charitable Eye Hospital",
			Address: "Ranipur Mor, near Har Ki Pauri", District: "Haridwar", State: "Uttarakhand", Pincode: "249401",
			Status: "Active", ValidUntil: date(2030, time.June, 30),
		},
		{
			ID: "8900080664081", Name: "Sri Venkateswara Children's Hospital",
			Address: "8-2-293, Road No. 14, Banjara Hills", District: "Hyderabad", State: "Telangana", Pincode: "500034",
			Status: "Active", ValidUntil: date(2029, time.September, 30),
		},
		{
			ID: "8900080701939", Name: "Malabar Day Care and Surgical Centre",
			Address: "Bypass Road, Thondayad", District: "Kozhikode", State: "Kerala", Pincode: "673016",
			Status: "Suspended", ValidUntil: date(2027, time.May, 31),
		},
		{
			ID: "8900080881273", Name: "Rajputana Ortho and Trauma Hospital",
			Address: "Ashok Marg, C-Scheme", District: "Jaipur", State: "Rajasthan", Pincode: "302001",
			Status: "Expired", ValidUntil: date(2024, time.March, 31),
		},
	}
}
