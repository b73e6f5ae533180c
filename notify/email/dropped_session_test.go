package email_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard/notify/email"
)

// droppingServer is an SMTP server that queues each message (250 after
// its data) and then drops the connection, as a relay restarting does;
// with refuse, it answers the data with 451 and drops it the same way.
func droppingServer(t *testing.T, refuse bool) (port int, queued *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	queued = new(atomic.Int32)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
				say("220 localhost ESMTP")
				inData := false
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					if inData {
						if line == "." {
							if refuse {
								say("451 4.3.0 try again later")
								return
							}
							queued.Add(1)
							say("250 2.0.0 queued as 1234")
							return // the connection drops once the message is queued
						}
						continue
					}
					switch strings.ToUpper(strings.SplitN(line, " ", 2)[0]) {
					case "EHLO", "HELO":
						say("250-localhost")
						say("250 8BITMIME")
					case "MAIL", "RCPT", "NOOP", "RSET":
						say("250 2.0.0 ok")
					case "DATA":
						inData = true
						say("354 go ahead")
					case "QUIT":
						say("221 bye")
						return
					default:
						say("502 no")
					}
				}
			}(c)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, queued
}

// A message the server queued is sent, whatever happens to the session
// after it: reporting a failure would have the outbox send it again. A
// message the server did not queue is a failure, as ever.
func TestQueuedMessageIsSentWhenTheSessionThenDrops(t *testing.T) {
	t.Parallel()
	for _, refuse := range []bool{false, true} {
		port, queued := droppingServer(t, refuse)
		m, err := email.New("127.0.0.1", "onboarding@operator.example",
			email.WithSecurity(email.Plaintext), email.WithPort(port), email.WithTimeout(5*time.Second))
		require.NoError(t, err)
		err = m.Notify(context.Background(), otpMessage())
		if refuse {
			require.Error(t, err, "the server did not queue it")
			require.Zero(t, queued.Load())
			continue
		}
		require.Equal(t, int32(1), queued.Load())
		require.NoError(t, err, "the server queued the message")
	}
}

// A 5xx refusal is permanent, for the outbox to take as a dead letter at
// once; a 4xx, or no answer, is not.
func TestSendErrorPermanence(t *testing.T) {
	t.Parallel()
	require.True(t, (&email.SendError{Code: 550, EnhancedCode: "5.1.1"}).Permanent())
	require.True(t, (&email.SendError{Code: 554}).Permanent())
	require.False(t, (&email.SendError{Code: 451, Temporary: true}).Permanent())
	require.False(t, (&email.SendError{Temporary: true}).Permanent())
	// What may pass: a full mailbox, a full mail system, network trouble,
	// an enhanced code of class 4.
	for _, e := range []*email.SendError{{Code: 552}, {Code: 550, EnhancedCode: "5.2.2"}, {Code: 550, EnhancedCode: "5.3.1"},
		{Code: 550, EnhancedCode: "5.4.7"}, {Code: 550, EnhancedCode: "4.2.0"}} {
		require.False(t, e.Permanent(), "%d %s", e.Code, e.EnhancedCode)
	}
}
