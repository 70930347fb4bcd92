// Package examples holds runnable programs built only on the public API of
// sippet; each lives in its own folder as a main package.
package examples
