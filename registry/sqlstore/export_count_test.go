package sqlstore

// CountApplicationsSQL is the text of CountApplications, for EXPLAIN.
const CountApplicationsSQL = countApplicationsSQL
