package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Instances of mgz that serve one PostgreSQL database tell each other what changed through
// LISTEN/NOTIFY: Notify sends a payload on a channel, and Listen receives what is sent there on
// a connection of its own, outside the pool. A connection that is lost is made again, with
// backoff; what was sent in between is missed, which Listen reports (Subscription.Resumed), so
// that the listener can drop whatever it derived from the database.
//
// The listening connection must reach the server itself, or a pooler in session mode: a
// pooler in transaction mode (PgBouncer's default) does not keep a LISTEN.
//
// SQLite has no such thing: one process serves a database file.

// ErrNoNotifications is the answer of Notify and Listen on SQLite.
var ErrNoNotifications = errors.New("meldingen tussen instanties van mgz werken alleen met PostgreSQL")

// Notifies reports whether db carries notifications between instances (PostgreSQL).
func (db *DB) Notifies() bool { return db.dialect == dialectPostgres }

// Notify sends payload to every session that listens on channel, when the statement commits
// (outside a transaction: at once). PostgreSQL bounds a payload to 8000 bytes.
func (db *DB) Notify(ctx context.Context, channel string, payload []byte) error {
	if db.dialect != dialectPostgres {
		return ErrNoNotifications
	}
	if _, err := db.sql.ExecContext(ctx, "SELECT pg_notify($1, $2)", channel, string(payload)); err != nil {
		return fmt.Errorf("melding aan de andere instanties versturen: %w", err)
	}
	return nil
}

// Subscription is what Listen does with what arrives.
type Subscription struct {
	// Deliver receives each payload, in the order sent, on one goroutine.
	Deliver func(payload []byte)
	// Resumed is called after the connection was lost and made again: notifications sent in
	// between were missed.
	Resumed func()
	// Lost is told why the connection was lost or could not be made again (for the log); nil
	// is fine.
	Lost func(err error)
}

// Listener receives notifications until Close.
type Listener struct {
	stop context.CancelFunc
	done chan struct{}
	once sync.Once
}

// Close stops listening and waits until the listener's connection is closed.
func (l *Listener) Close() {
	l.once.Do(func() {
		l.stop()
		<-l.done
	})
}

// Listening timings: a connection that delivers nothing for listenPing is asked whether it is
// still there (a server behind a lost network answers no more, and sends no error either);
// reconnecting waits reconnectMin at first, doubling up to reconnectMax.
var (
	listenPing  = 15 * time.Second
	pingTimeout = 5 * time.Second
	// connectTimeout bounds an attempt to connect (a server behind a lost network does not
	// refuse, it does not answer).
	connectTimeout = 10 * time.Second
	reconnectMin   = 100 * time.Millisecond
	reconnectMax   = 5 * time.Second
)

// Listen listens on channel of the PostgreSQL database named by dsn (the --db value) on a
// connection of its own, until ctx ends or Close. It returns once the first LISTEN is in place,
// so that every notification sent after it returns is delivered.
func Listen(ctx context.Context, dsn, channel string, sub Subscription) (*Listener, error) {
	if !IsPostgres(dsn) {
		return nil, ErrNoNotifications
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL-adres %s is ongeldig: %w", redactDSN(dsn), err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "mgz listen"
	connect := func(ctx context.Context) (*pgx.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, connectTimeout)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
		if err != nil {
			return nil, err
		}
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			closeConn(conn)
			return nil, err
		}
		return conn, nil
	}
	conn, err := connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("luisteren naar de andere instanties van mgz (%s): %w", redactDSN(dsn), err)
	}
	lctx, stop := context.WithCancel(ctx)
	l := &Listener{stop: stop, done: make(chan struct{})}
	lost := func(err error) {
		if sub.Lost != nil {
			sub.Lost(err)
		}
	}
	go func() {
		defer close(l.done)
		for {
			err := receive(lctx, conn, sub.Deliver)
			closeConn(conn)
			if lctx.Err() != nil {
				return
			}
			lost(err)
			for backoff := reconnectMin; ; backoff = min(2*backoff, reconnectMax) {
				select {
				case <-lctx.Done():
					return
				case <-time.After(backoff):
				}
				if conn, err = connect(lctx); err == nil {
					break
				}
				if lctx.Err() != nil {
					return
				}
				lost(err)
			}
			if sub.Resumed != nil {
				sub.Resumed()
			}
		}
	}()
	return l, nil
}

// receive delivers conn's notifications until ctx ends or the connection fails, and returns why.
func receive(ctx context.Context, conn *pgx.Conn, deliver func([]byte)) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, listenPing)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			deliver([]byte(n.Payload))
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case !errors.Is(err, context.DeadlineExceeded):
			return err
		}
		// Nothing for a while: is the server still there?
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		err = conn.Ping(pctx)
		cancel()
		if err != nil {
			return err
		}
	}
}

// closeConn closes a listening connection, waiting a moment at most for a server that no longer
// answers.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}
