package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// rclone's VFS cache keeps one JSON metadata file per cached file; "Dirty": true until its upload is done.
func TestWaitUploadedWaitsForDirtyFiles(t *testing.T) {
	cache := t.TempDir()
	meta := filepath.Join(cache, "vfsMeta", "sky", "bucket", "prefix")
	if err := os.MkdirAll(meta, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(meta, "out.txt")
	write := func(dirty bool) {
		v := "false"
		if dirty {
			v = "true"
		}
		if err := os.WriteFile(file, []byte(`{"ModTime":"2026-12-07T12:00:00Z","Size":5,"Dirty": `+v+`}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := &mount{done: make(chan struct{}), cacheDir: cache, cached: true}

	write(true)
	if waitUploaded(m, 300*time.Millisecond) {
		t.Fatal("a dirty file must keep the volume mounted")
	}
	go func() { time.Sleep(300 * time.Millisecond); write(false) }()
	if !waitUploaded(m, 5*time.Second) {
		t.Fatal("the upload finished: the wait must end")
	}
	write(true)
	close(m.done) // rclone exited: nothing can upload any more, so nothing to wait for
	if !waitUploaded(m, 5*time.Second) {
		t.Fatal("rclone is gone: the wait must end")
	}
}

func TestCacheDirtyOnMissingDir(t *testing.T) {
	if cacheDirty(filepath.Join(t.TempDir(), "none")) {
		t.Fatal("no cache: nothing is dirty")
	}
}
