package demo

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
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
// physician for GP practices, the GP post and SO/AVG services), all with Password, each hashed
// with its own salt. It skips organisations that already have their demo user.
func LoadUsers(ctx context.Context, svc *service.Service) ([]Account, error) {
	return users(ctx, svc, true)
}

// Accounts lists the demo users that exist, for a restart of the demo: it creates nothing.
func Accounts(ctx context.Context, svc *service.Service) ([]Account, error) {
	return users(ctx, svc, false)
}

func users(ctx context.Context, svc *service.Service, create bool) ([]Account, error) {
	sys := service.System()
	type entry struct {
		Account
		orgID  int64
		exists bool
	}
	var all []entry
	for page := (mgz.Page{Limit: 200}); ; page.Offset += page.Limit {
		orgs, total, err := svc.Register(sys).Organisations(ctx, mgz.OrganisationFilter{Page: page})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			e := entry{Account: Account{Email: Email(o.Name), Organisation: o.Name, Kind: o.Kind}, orgID: o.ID}
			if _, err := svc.UserByEmail(ctx, sys, e.Email); err == nil {
				e.exists = true
			} else if mgz.ErrorCode(err) != mgz.ECodeNotFound {
				return nil, err
			}
			all = append(all, e)
		}
		if page.Offset+len(orgs) >= total || len(orgs) == 0 {
			break
		}
	}
	var out []Account
	var missing []int // indexes into all of the accounts to create
	for i, e := range all {
		if e.exists {
			continue
		}
		missing = append(missing, i)
	}
	var hashes []string
	if create && len(missing) > 0 {
		var err error
		if hashes, err = hashEach(svc, len(missing)); err != nil {
			return nil, err
		}
	}
	for i, e := range all {
		if !e.exists && create {
			roles := []mgz.UserRole{mgz.RoleAdmin}
			if physicianKinds[e.Kind] {
				roles = append(roles, mgz.RolePhysician)
			}
			hash := hashes[0]
			hashes = hashes[1:]
			if _, _, err := svc.CreateUser(ctx, sys, service.NewUser{OrganisationID: e.orgID, Email: e.Email,
				Name: "Demo " + e.Organisation, Roles: roles, PasswordHash: hash}); err != nil {
				return out, err
			}
			e.exists = true
			all[i] = e
		}
		if e.exists {
			out = append(out, e.Account)
		}
	}
	return out, nil
}

// hashEach hashes Password n times, each with its own salt, so that no two demo accounts share a
// hash (one cracked hash must not open every account). The hashes are made side by side, one per
// processor, to keep the first start quick.
func hashEach(svc *service.Service, n int) ([]string, error) {
	hashes := make([]string, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				hashes[i], errs[i] = svc.HashPassword(Password)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return hashes, errors.Join(errs...)
}
