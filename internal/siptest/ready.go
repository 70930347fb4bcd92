package siptest

import (
	"context"
	"log/slog"
)

// ReadyLogger returns a logger that discards everything but the line with
// message msg, whose "listen" attribute it hands to the channel: how the
// examples' tests learn where a program they started listens.
func ReadyLogger(msg string) (*slog.Logger, <-chan string) {
	h := readyHandler{msg: msg, ready: make(chan string, 1)}
	return slog.New(h), h.ready
}

type readyHandler struct {
	msg   string
	ready chan string
}

func (h readyHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h readyHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h readyHandler) WithGroup(string) slog.Handler            { return h }

func (h readyHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "listen" {
				select {
				case h.ready <- a.Value.String():
				default:
				}
			}
			return true
		})
	}
	return nil
}
