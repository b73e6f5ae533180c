package hcxonboard

// Status is a participant's status in the HCX registry, spelled exactly as
// the specification spells it.
type Status string

// The registry statuses. A participant is Created when registered, Active
// after go-live, Blocked while suspended and Inactive once de-boarded.
const (
	StatusCreated  Status = "Created"
	StatusActive   Status = "Active"
	StatusInactive Status = "Inactive"
	StatusBlocked  Status = "Blocked"
)

// Valid reports whether s is one of the four registry statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusCreated, StatusActive, StatusInactive, StatusBlocked:
		return true
	}
	return false
}
