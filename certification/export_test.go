package certification

import "gorm.io/gorm"

// LockSession exposes the locking helper to the external tests.
func LockSession(tx *gorm.DB, id string) error { return lockSession(tx, id, lockExclusive) }

// DummyHash exposes the hash an unknown identifiant is compared against.
func (s *Service) DummyHash() []byte { return s.dummyHash }
