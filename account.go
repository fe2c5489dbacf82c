package mgz

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// UserRole is what a user may do for their organisation (issue: accounts and access).
type UserRole string

// The roles. Viewer reads, editor also changes the organisation's own data, admin also manages
// the organisation's users and reads its audit log. Physician marks GP, SO and AVG users, who
// later get access to patients through the policy.
const (
	RoleViewer    UserRole = "viewer"
	RoleEditor    UserRole = "editor"
	RoleAdmin     UserRole = "admin"
	RolePhysician UserRole = "physician"
	// RoleRegionalTable marks a member of the region's regional table (regionale tafel, domain.md
	// §7, L-Conv 5): the third step of an escalation's route. The table is a body of people from
	// several organisations (RHO, zorgkantoor, care providers), so membership is a role of a user,
	// not a kind of organisation; it gives reading of reports from that step on and answering them.
	RoleRegionalTable UserRole = "regional_table"
)

// UserRoles lists the roles with Dutch names.
var UserRoles = newEnum(
	Option[UserRole]{RoleViewer, "Lezer"},
	Option[UserRole]{RoleEditor, "Bewerker"},
	Option[UserRole]{RoleAdmin, "Beheerder"},
	Option[UserRole]{RolePhysician, "Arts (huisarts, SO of AVG)"},
	Option[UserRole]{RoleRegionalTable, "Lid regionale tafel"},
)

// Label returns the Dutch name of the role.
func (r UserRole) Label() string { return UserRoles.Label(r) }

// physicianKinds are the organisations whose users can be physicians.
var physicianKinds = map[OrgKind]bool{KindGPPractice: true, KindPhysicianService: true, KindGPPost: true}

// User is a person who signs in to mgz on behalf of one organisation of the register.
type User struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"organisation_id"`
	Email          string     `json:"email"`
	Name           string     `json:"name"`
	Roles          []UserRole `json:"roles"`
	Disabled       bool       `json:"disabled"`
	// MustChangePassword is set for a one-time password: the user chooses their own first.
	MustChangePassword bool       `json:"must_change_password"`
	LastLoginAt        *time.Time `json:"last_login_at"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	// Revision grows with every change of name, roles or disabled (optimistic concurrency: the
	// ETag of the API, the hidden field of the form). An edit carries the revision it was made on.
	Revision int64 `json:"revision"`
}

// Has reports whether u has role r. Admin implies editor, and editor implies viewer; a physician
// and a member of the regional table are viewers too.
func (u User) Has(r UserRole) bool {
	for _, x := range u.Roles {
		switch {
		case x == r:
			return true
		case x == RoleAdmin && (r == RoleEditor || r == RoleViewer):
			return true
		case x == RoleEditor && r == RoleViewer:
			return true
		case x == RolePhysician && r == RoleViewer:
			return true
		case x == RoleRegionalTable && r == RoleViewer:
			return true
		}
	}
	return false
}

// Normalise cleans u's fields and validates them; orgKind is the kind of u's organisation.
func (u *User) Normalise(orgKind OrgKind) error {
	fe := fieldErrors{}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" {
		fe.add("email", "E-mailadres is verplicht.")
	} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || !strings.Contains(u.Email[strings.LastIndex(u.Email, "@")+1:], ".") {
		fe.add("email", "Vul een geldig e-mailadres in, zoals naam@praktijk.nl.")
	}
	u.Name = checkText(fe, "name", "Naam", u.Name, true, maxName)
	if u.OrganisationID <= 0 {
		fe.add("organisation_id", "Kies de organisatie van de gebruiker.")
	}
	if len(u.Roles) == 0 {
		fe.add("roles", "Kies minstens één rol: "+UserRoles.List()+".")
	}
	seen := map[UserRole]bool{}
	clean := u.Roles[:0:0]
	for _, r := range u.Roles {
		switch {
		case !UserRoles.Valid(r):
			fe.add("roles", "Onbekende rol "+quote(string(r))+". Kies uit: "+UserRoles.List()+".")
		case r == RolePhysician && orgKind != "" && !physicianKinds[orgKind]:
			fe.add("roles", "De rol arts is alleen voor gebruikers van een huisartsenpraktijk, huisartsenpost of SO/AVG-dienst.")
		case !seen[r]:
			seen[r] = true
			clean = append(clean, r)
		}
	}
	u.Roles = clean
	return fe.err()
}

// Password rules: long passphrases beat complex short ones (NCSC, NIST SP 800-63B).
const (
	MinPasswordLength = 12
	maxPasswordLength = 256
)

// CheckPassword returns a Dutch error when pw is too short or too long.
func CheckPassword(field, pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return &Error{Code: ECodeInvalid, Message: "Het wachtwoord is te kort.",
			Fields: map[string]string{field: fmt.Sprintf("Kies een wachtwoord van minstens %d tekens; een zin van een paar woorden is sterk en goed te onthouden.", MinPasswordLength)}}
	case n > maxPasswordLength:
		return &Error{Code: ECodeInvalid, Message: "Het wachtwoord is te lang.",
			Fields: map[string]string{field: fmt.Sprintf("Kies een wachtwoord van hoogstens %d tekens.", maxPasswordLength)}}
	}
	return nil
}

// Actor is who does something: a signed-in user of an organisation, or the command line.
type Actor struct {
	User    User
	OrgKind OrgKind
	// Address is the client's network address, for the audit log.
	Address string
	// OnBehalfOf is set when the user acts for someone else (NEN 7513 "namens").
	OnBehalfOf string
	// System marks the command line run by the operator of the server, outside the policy.
	System bool
}

// APIToken is a bearer token for programs; only a hash of its secret is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise a token in a list
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Session is a signed-in browser. Only a hash of the cookie's secret is stored.
type Session struct {
	UserID     int64
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Address    string
}

// UserFilter selects users.
type UserFilter struct {
	OrganisationID int64
	Page
}

// AccountStore keeps users, their password hashes, sessions and API tokens.
type AccountStore interface {
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, string, error) // with the password hash
	Users(ctx context.Context, f UserFilter) ([]User, int, error)
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	// UpdateUser stores u's name, roles and disabled when the stored revision is still
	// u.Revision, and sets u.Revision to the new one; a conflict error when it is not.
	UpdateUser(ctx context.Context, u *User) error
	// ActiveAdmins counts the users of an organisation with the admin role who are not disabled.
	ActiveAdmins(ctx context.Context, orgID int64) (int, error)
	SetPassword(ctx context.Context, userID int64, passwordHash string, mustChange bool) error
	RecordLogin(ctx context.Context, userID int64, at time.Time) error

	CreateSession(ctx context.Context, secretHash string, s Session) error
	// Session returns the session for a secret's hash; TouchSession moves its last-seen time.
	Session(ctx context.Context, secretHash string) (Session, error)
	TouchSession(ctx context.Context, secretHash string, at time.Time) error
	DeleteSession(ctx context.Context, secretHash string) error
	DeleteUserSessions(ctx context.Context, userID int64) error

	CreateToken(ctx context.Context, t *APIToken, secretHash string) error
	TokenBySecret(ctx context.Context, secretHash string) (APIToken, error)
	Token(ctx context.Context, id int64) (APIToken, error)
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	RevokeToken(ctx context.Context, userID, tokenID int64, at time.Time) error
	TouchToken(ctx context.Context, tokenID int64, at time.Time) error
}
