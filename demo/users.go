package demo

import (
	"context"
	"strings"
	"unicode"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// Password is the password of every demo account. It is printed at start: the demo region is
// fictional and meant to be explored.
const Password = "voorbeeld-regio"

// emailDomain is reserved for testing (RFC 2606): no mail can ever reach it.
const emailDomain = "@voorbeeld.test"

// Account is a demo login.
type Account struct {
	Email        string
	Organisation string
	Kind         mgz.OrgKind
}

// physicianKinds are the organisations whose demo user is also a physician.
var physicianKinds = map[mgz.OrgKind]bool{mgz.KindGPPractice: true, mgz.KindPhysicianService: true, mgz.KindGPPost: true}

// fold drops the diacritics Dutch names use, so é becomes e.
var fold = map[rune]rune{'á': 'a', 'à': 'a', 'ä': 'a', 'â': 'a', 'é': 'e', 'è': 'e', 'ë': 'e', 'ê': 'e',
	'í': 'i', 'ï': 'i', 'î': 'i', 'ó': 'o', 'ö': 'o', 'ô': 'o', 'ú': 'u', 'ü': 'u', 'û': 'u', 'ç': 'c'}

// Email is the demo account's address for an organisation name: "Huisartsenpraktijk De Linde"
// becomes huisartsenpraktijk-de-linde@voorbeeld.test.
func Email(orgName string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(orgName) {
		if f, ok := fold[r]; ok {
			r = f
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String() + emailDomain
}

// LoadUsers creates one demo user per organisation of the register, an admin of it (and a
// physician for GP practices, the GP post and SO/AVG services), all with Password. It skips
// organisations that already have their demo user, so it can run again after an interruption.
func LoadUsers(ctx context.Context, svc *service.Service) ([]Account, error) {
	return users(ctx, svc, true)
}

// Accounts lists the demo users that exist, for a restart of the demo: it creates nothing.
func Accounts(ctx context.Context, svc *service.Service) ([]Account, error) {
	return users(ctx, svc, false)
}

func users(ctx context.Context, svc *service.Service, create bool) ([]Account, error) {
	sys := service.System()
	var out []Account
	hash := "" // hashed once: every demo account has the same password
	for page := (mgz.Page{Limit: 200}); ; page.Offset += page.Limit {
		orgs, total, err := svc.Register(sys).Organisations(ctx, mgz.OrganisationFilter{Page: page})
		if err != nil {
			return out, err
		}
		for _, o := range orgs {
			a := Account{Email: Email(o.Name), Organisation: o.Name, Kind: o.Kind}
			if _, err := svc.UserByEmail(ctx, sys, a.Email); err == nil {
				out = append(out, a)
				continue
			} else if mgz.ErrorCode(err) != mgz.ECodeNotFound {
				return out, err
			}
			if !create {
				continue
			}
			if hash == "" {
				var err error
				if hash, err = svc.HashPassword(Password); err != nil {
					return out, err
				}
			}
			roles := []mgz.UserRole{mgz.RoleAdmin}
			if physicianKinds[o.Kind] {
				roles = append(roles, mgz.RolePhysician)
			}
			if _, _, err := svc.CreateUser(ctx, sys, service.NewUser{OrganisationID: o.ID, Email: a.Email,
				Name: "Demo " + o.Name, Roles: roles, PasswordHash: hash}); err != nil {
				return out, err
			}
			out = append(out, a)
		}
		if page.Offset+len(orgs) >= total || len(orgs) == 0 {
			return out, nil
		}
	}
}
