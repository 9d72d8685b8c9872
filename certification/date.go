package certification

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date without time zone: a birth date, a validity
// bound. It is stored as DATE and compared day by day.
type Date struct{ t time.Time }

// DateLayout is the ISO 8601 form used in storage and exchange.
const DateLayout = "2006-01-02"

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of t in UTC.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return NewDate(y, m, d)
}

// ParseDate parses YYYY-MM-DD and refuses impossible dates such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t}, nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns d at midnight UTC.
func (d Date) Time() time.Time { return d.t }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(DateLayout) }

// Francais formats d as 02/01/2006, the form French documents use.
func (d Date) Francais() string { return d.t.Format("02/01/2006") }

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// AddMonths returns d shifted by n months, clamped to the month's last day
// (one month after 31 January is 28 or 29 February, not 3 March).
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return NewDate(first.Year(), first.Month(), day)
}

// MarshalText writes d as YYYY-MM-DD, so that dates read well wherever a
// value is serialised (the audit trail's before and after, for one).
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores d as text, which both PostgreSQL's DATE and SQLite accept.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE column, which drivers hand over as time.Time or text.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(x)
		return nil
	case string:
		return d.scanText(x)
	case []byte:
		return d.scanText(string(x))
	}
	return fmt.Errorf("certification: cannot scan %T into Date", v)
}

func (d *Date) scanText(s string) error {
	if len(s) < len(DateLayout) {
		return fmt.Errorf("certification: bad date %q", s)
	}
	p, err := ParseDate(s[:len(DateLayout)])
	if err != nil {
		return err
	}
	*d = p
	return nil
}
