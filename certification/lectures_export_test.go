package certification

import (
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// LogAll makes every pool of db (writer, readers, search) log through l, so
// that a test counts every statement a read sends, whichever pool runs it.
func (db *DB) LogAll(l logger.Interface) {
	db.Config.Logger = l
	for _, p := range []*gorm.DB{db.reader, db.search} {
		if p != nil {
			p.Config.Logger = l
		}
	}
}
