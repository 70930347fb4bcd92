// Package bench compares the parser and serializer of package message with
// those of github.com/emiago/sipgo on the same messages, byte for byte.
//
// It is a module of its own so that the library never depends on the
// libraries it is measured against. Run it from this directory:
//
//	go test -run '^$' -bench . -benchmem -count 6 | tee bench.txt
//	benchstat -col /lib bench.txt
//
// BENCHMARKS.md at the root of the repository records the figures.
package bench
