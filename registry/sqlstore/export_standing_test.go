package sqlstore

// StandingSQL is the statement of ParticipantStanding, for the plan test.
var StandingSQL = standingSQL
