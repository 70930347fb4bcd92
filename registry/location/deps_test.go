package location

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImports keeps location on message and the standard library: a
// registrar needs no actors and no network, so that any core, proxy or test
// can use it.
func TestImports(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		if path == "github.com/sippet-go/sippet/message" || path == "github.com/sippet-go/sippet/registry/location" {
			continue
		}
		assert.Equal(t, "true", std, "location must import message and the standard library only, found %s", path)
		assert.NotEqual(t, "net", path, "location must not touch the network")
	}
}
