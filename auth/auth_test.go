package auth

import (
	"strings"
	"testing"
	"time"
)

var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestPasswordHashIsArgon2idAndVerifies(t *testing.T) {
	h := NewHasher(fast)
	enc, err := h.Hash("correct paard batterij niet")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", enc)
	}
	if !h.Verify(enc, "correct paard batterij niet") {
		t.Fatal("the right password does not verify")
	}
	for _, wrong := range []string{"correct paard batterij nie", "", "Correct paard batterij niet"} {
		if h.Verify(enc, wrong) {
			t.Errorf("wrong password %q verifies", wrong)
		}
	}
	again, _ := h.Hash("correct paard batterij niet")
	if again == enc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	// A hash made with other parameters verifies with its own.
	if !NewHasher(DefaultParams).Verify(enc, "correct paard batterij niet") {
		t.Error("a hash with other parameters does not verify")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$YQ$YQ", "$argon2id$v=19$m=x$YQ$YQ", enc[:len(enc)-3] + "!!!"} {
		if h.Verify(bad, "x") {
			t.Errorf("malformed hash %q verifies", bad)
		}
	}
	if h.VerifyMissing("x") {
		t.Error("VerifyMissing must report false")
	}
}

func TestSecretsAndOneTimePasswords(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || !strings.HasPrefix(a, TokenPrefix) || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if SecretHash(a) == SecretHash(b) || len(SecretHash(a)) != 64 || SecretHash(a) != SecretHash(a) {
		t.Fatal("secret hashes are not stable hex SHA-256")
	}
	p := OneTimePassword()
	if len(p) != 19 || strings.Count(p, "-") != 3 || strings.ContainsAny(p, "l1o0i") {
		t.Fatalf("one-time password %q", p)
	}
}

func TestThrottleBlocksAfterTheLimitWithinTheWindow(t *testing.T) {
	th := NewThrottle(3, 10*time.Minute)
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	th.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if b, _, _ := th.Blocked(t.Context(), "a@x.nl"); b {
			t.Fatalf("blocked after %d failures", i)
		}
		th.Fail(t.Context(), "a@x.nl")
		now = now.Add(time.Minute)
	}
	b, wait, _ := th.Blocked(t.Context(), "a@x.nl")
	if !b || wait != 7*time.Minute {
		t.Fatalf("after 3 failures: blocked %v for %s, want 7m", b, wait)
	}
	if b, _, _ := th.Blocked(t.Context(), "b@x.nl"); b {
		t.Fatal("another key is blocked too")
	}
	now = now.Add(8 * time.Minute)
	if b, _, _ := th.Blocked(t.Context(), "a@x.nl"); b {
		t.Fatal("still blocked after the window passed")
	}
	th.Fail(t.Context(), "a@x.nl")
	th.Reset(t.Context(), "a@x.nl")
	if len(th.fails) != 0 {
		t.Fatal("Reset left failures")
	}
}
