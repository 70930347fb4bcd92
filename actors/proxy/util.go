package proxy

import "strconv"

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

func itoa(n int) string { return strconv.Itoa(n) }
