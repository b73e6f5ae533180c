package registry

// The optional capabilities the memory store has, checked when it
// compiles (the engine finds them by type assertion).
var (
	_ ParticipantPager    = (*MemoryStore)(nil)
	_ ApplicationPager    = (*MemoryStore)(nil)
	_ ClaimReader         = (*MemoryStore)(nil)
	_ DueLister           = (*MemoryStore)(nil)
	_ Leaser              = (*MemoryStore)(nil)
	_ OutboxStore         = (*MemoryStore)(nil)
	_ OutboxReader        = (*MemoryStore)(nil)
	_ OutboxPurger        = (*MemoryStore)(nil)
	_ StageCounter        = (*MemoryStore)(nil)
	_ StandingReader      = (*MemoryStore)(nil)
	_ CertificateExpiries = (*MemoryStore)(nil)
	_ EventPager          = (*MemoryStore)(nil)
)
