package message

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestZZExplore(t *testing.T) {
	files, _ := filepath.Glob("../../shared/testdata/rfc4475/*/*.dat")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		m, err := Parse(data)
		fmt.Printf("=== %s\n", f)
		if err != nil {
			fmt.Printf("ERR %v\n", err)
			continue
		}
		fmt.Printf("%q %v %d %q %q\n", m.Method, m.RequestURI, m.StatusCode, m.Reason, m.Version)
		for _, h := range m.Headers {
			fmt.Printf("  %s %T %q c=%v j=%v\n", h.Name, h.Value, valStr(h.Value), h.Compact, h.Joined)
		}
		fmt.Printf("  body %d\n", len(m.Body))
		m2, err := Parse(m.Bytes())
		if err != nil {
			fmt.Printf("REPARSE ERR %v\n", err)
		} else if m2.String() != m.String() {
			fmt.Printf("REPARSE DIFF\n%s\n---\n%s\n", m.String(), m2.String())
		}
	}
}

func valStr(v Value) string {
	if v == nil {
		return "<nil>"
	}
	return v.String()
}
