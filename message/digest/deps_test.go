package digest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportsStandardLibraryOnly keeps digest, like message, free of
// third-party code and of network I/O.
func TestImportsStandardLibraryOnly(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		if strings.HasPrefix(path, "github.com/sippet-go/sippet/message") {
			continue
		}
		assert.Equal(t, "true", std, "digest must import the standard library only, found %s", path)
		assert.NotEqual(t, "net", path, "digest must not touch the network")
	}
}
