package hfrtest

import "github.com/openhcx/hcxonboard/hfr"

// DemoFacilities returns the facilities WithSeed loads: a verified Karnataka
// hospital, a Draft clinic that was never submitted, a government primary
// health centre and a diagnostic centre whose manager has no mobile on record.
// The data is invented: IDs follow the observed IN + state code + 8 digits
// pattern, LGD codes are illustrative, e-mails use reserved example domains,
// and the fake never sends anything to the mobiles.
func DemoFacilities() []FacilitySeed {
	return []FacilitySeed{
		{
			Facility: hfr.Facility{
				ID: "IN2910000123", Name: "Sanjeevani Multispeciality Hospital", Status: "Verified",
				Ownership: "Private", OwnershipCode: "P",
				FacilityType: "Hospital", FacilityTypeCode: "5",
				SystemOfMedicine: "Modern Medicine(Allopathy)", SystemOfMedicineCode: "M",
				StateName: "KARNATAKA", StateLGDCode: "29",
				DistrictName: "BENGALURU URBAN", DistrictLGDCode: "572",
				SubDistrictName: "Bangalore North", Address: "14, 80 Feet Road, Koramangala 4th Block",
				Pincode: "560034", Latitude: "12.9352", Longitude: "77.6245",
			},
			ManagerName:   "Dr. Asha Rao",
			ManagerMobile: "9000001905",
			ManagerEmail:  "asha.rao@example.org",
			ManagerHPRID:  "71-1234-5678-9012",
		},
		{
			Facility: hfr.Facility{
				ID: "IN2710000456", Name: "Shree Ganesh Clinic", Status: "Draft",
				Ownership: "Private", OwnershipCode: "P",
				FacilityType: "Clinic/ Dispensary", FacilityTypeCode: "2",
				SystemOfMedicine: "Ayurveda", SystemOfMedicineCode: "A",
				StateName: "MAHARASHTRA", StateLGDCode: "27",
				DistrictName: "PUNE", DistrictLGDCode: "521",
				SubDistrictName: "Haveli", Address: "Shop 3, Karve Road, Kothrud",
				Pincode: "411038", Latitude: "18.5074", Longitude: "73.8077",
			},
			ManagerName:   "Vaidya Ganesh Kulkarni",
			ManagerMobile: "9000002468",
			ManagerEmail:  "ganesh.kulkarni@example.org",
			ManagerHPRID:  "71-2345-6789-0123",
		},
		{
			Facility: hfr.Facility{
				ID: "IN3310000789", Name: "Primary Health Centre Thiruporur", Status: "Submitted",
				Ownership: "GOVERNMENT", OwnershipCode: "G",
				FacilityType: "Primary Health Centre", FacilityTypeCode: "9",
				SystemOfMedicine: "Modern Medicine(Allopathy)", SystemOfMedicineCode: "M",
				StateName: "TAMIL NADU", StateLGDCode: "33",
				DistrictName: "CHENGALPATTU", DistrictLGDCode: "603",
				SubDistrictName: "Thiruporur", Address: "Old Mahabalipuram Road, Thiruporur",
				Pincode: "603110", Latitude: "12.7256", Longitude: "80.1880",
			},
			ManagerName:   "Dr. K. Meenakshi",
			ManagerMobile: "9000003579",
			ManagerEmail:  "phc.thiruporur@example.org",
			ManagerHPRID:  "71-3456-7890-1234",
		},
		{
			Facility: hfr.Facility{
				ID: "IN0710000321", Name: "Capital Diagnostics and Imaging", Status: "Verified",
				Ownership: "Private", OwnershipCode: "P",
				FacilityType: "Diagnostic Laboratory", FacilityTypeCode: "7",
				SystemOfMedicine: "Modern Medicine(Allopathy)", SystemOfMedicineCode: "M",
				StateName: "DELHI", StateLGDCode: "7",
				DistrictName: "SOUTH", DistrictLGDCode: "96",
				SubDistrictName: "Hauz Khas", Address: "B-12, Green Park Main",
				Pincode: "110016", Latitude: "28.5597", Longitude: "77.2066",
			},
			ManagerName:  "Rohit Malhotra",
			ManagerEmail: "ops@example.com",
		},
	}
}

// DemoProfessionals returns the professionals WithSeed loads: the managers
// of the demo facilities. Category 1 is Doctor, 2 Nurse (HPR's codes).
func DemoProfessionals() []hfr.Professional {
	return []hfr.Professional{
		{
			HPRIDNumber: "71-1234-5678-9012", HPRID: "asha.rao@hpr.abdm", Name: "Asha Rao",
			CategoryID: "1", SubCategoryID: "1",
			AuthMethods:     []string{"PASSWORD", "AADHAAR_OTP", "MOBILE_OTP"},
			CouncilVerified: true,
			Registrations: []hfr.Registration{{
				Category: "Doctor", CouncilName: "Karnataka Medical Council",
				RegistrationNumber: "KMC-45871", RegistrationDate: "2009-07-14", DueDate: "2029-07-13",
			}},
		},
		{
			HPRIDNumber: "71-2345-6789-0123", HPRID: "ganesh.kulkarni@hpr.abdm", Name: "Ganesh Kulkarni",
			CategoryID: "1", SubCategoryID: "3",
			AuthMethods: []string{"PASSWORD", "AADHAAR_OTP"},
			Registrations: []hfr.Registration{{
				Category: "Doctor", CouncilName: "Maharashtra Council of Indian Medicine",
				RegistrationNumber: "I-61234-A", RegistrationDate: "2015-02-02",
			}},
		},
		{
			HPRIDNumber: "71-3456-7890-1234", HPRID: "meenakshi.k@hpr.abdm", Name: "K. Meenakshi",
			CategoryID: "1", SubCategoryID: "1",
			AuthMethods:     []string{"AADHAAR_OTP", "MOBILE_OTP"},
			CouncilVerified: true,
			Registrations: []hfr.Registration{{
				Category: "Doctor", CouncilName: "Tamil Nadu Medical Council",
				RegistrationNumber: "TNMC-98765", RegistrationDate: "2012-11-20", DueDate: "2027-11-19",
			}},
		},
		{
			HPRIDNumber: "71-4567-8901-2345", HPRID: "lakshmi.n@hpr.abdm", Name: "Lakshmi Narayan",
			CategoryID: "2", SubCategoryID: "11",
			AuthMethods: []string{"PASSWORD"},
		},
	}
}
