package sqlstore

import "github.com/openhcx/hcxonboard/registry"

// A Store is a registry.Store with every optional capability, on both
// databases, checked when it compiles (the engine finds them by type
// assertion).
var (
	_ registry.Store               = (*Store)(nil)
	_ registry.ParticipantPager    = (*Store)(nil)
	_ registry.ApplicationPager    = (*Store)(nil)
	_ registry.ClaimReader         = (*Store)(nil)
	_ registry.DueLister           = (*Store)(nil)
	_ registry.Leaser              = (*Store)(nil)
	_ registry.OutboxStore         = (*Store)(nil)
	_ registry.OutboxReader        = (*Store)(nil)
	_ registry.OutboxPurger        = (*Store)(nil)
	_ registry.StageCounter        = (*Store)(nil)
	_ registry.StandingReader      = (*Store)(nil)
	_ registry.CertificateExpiries = (*Store)(nil)
	_ registry.EventPager          = (*Store)(nil)
)
