package document_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/registry"
)

func newDir(t *testing.T, root string, opts ...document.Option) (*document.Dir, *registry.MemoryStore) {
	t.Helper()
	reg := registry.NewMemoryStore()
	d, err := document.NewDir(root, reg, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return d, reg
}

func TestDirConformance(t *testing.T) {
	t.Parallel()
	documenttest.Run(t, func(t *testing.T, opts ...document.Option) (document.Store, registry.Writer) {
		return newDir(t, t.TempDir(), opts...)
	})
}

func createApp(t *testing.T, reg registry.Writer, id string) {
	t.Helper()
	require.NoError(t, reg.Create(context.Background(), registry.Write{Application: &registry.Application{ID: id, Stage: registry.StageSubmitted}}))
}

// files lists every file under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, err := filepath.Rel(dir, p)
			require.NoError(t, err)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	}))
	return out
}

func TestDirKeepsEverythingInside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	parent := t.TempDir()
	root := filepath.Join(parent, "docs")
	d, reg := newDir(t, root)
	for _, id := range []string{"../escape", "../../escape", "/tmp/escape", "..", "a/../../escape"} {
		createApp(t, reg, id)
		_, err := d.Put(ctx, document.Document{ApplicationID: id, Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant"},
			bytes.NewReader(documenttest.PDF(100, id)))
		require.NoError(t, err)
	}
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing beside the document directory")
	for _, f := range files(t, root) {
		dir, name, ok := strings.Cut(f, "/")
		require.True(t, ok, f)
		require.Len(t, dir, 64, "application directories are digests: %s", f)
		require.Regexp(t, `^[0-9a-f-]{36}\.(json|data)$`, name)
	}
}

func TestDirFilesArePrivateAndLeaveNoTemporaries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	d, reg := newDir(t, root, document.WithMaxSize(1024))
	createApp(t, reg, "app-1")
	doc := document.Document{ApplicationID: "app-1", Kind: hcxonboard.DocSignatoryLetter, UploadedBy: "applicant"}
	stored, err := d.Put(ctx, doc, bytes.NewReader(documenttest.PDF(500, "x")))
	require.NoError(t, err)
	// Refusals after part of the content was written leave nothing.
	_, err = d.Put(ctx, doc, bytes.NewReader(documenttest.PDF(2000, "big")))
	require.ErrorIs(t, err, document.ErrTooLarge)
	_, err = d.Put(ctx, doc, io.MultiReader(bytes.NewReader(documenttest.PDF(600, "x")), iotestErr{}))
	require.Error(t, err)

	got := files(t, root)
	require.Len(t, got, 2, "%v", got)
	for _, f := range got {
		require.Contains(t, f, stored.ID)
		fi, err := os.Stat(filepath.Join(root, f))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f)
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestDirDetectsCorruption(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	d, reg := newDir(t, root)
	createApp(t, reg, "app-1")
	content := documenttest.PDF(500, "x")
	stored, err := d.Put(ctx, document.Document{ApplicationID: "app-1", Kind: hcxonboard.DocSignatoryLetter, UploadedBy: "applicant"},
		bytes.NewReader(content))
	require.NoError(t, err)
	var data string
	for _, f := range files(t, root) {
		if strings.HasSuffix(f, ".data") {
			data = filepath.Join(root, f)
		}
	}

	// A byte changed in place: the read that reaches the end fails.
	tampered := bytes.Clone(content)
	tampered[200] ^= 1
	require.NoError(t, os.WriteFile(data, tampered, 0o600))
	_, rc, err := d.Get(ctx, "app-1", stored.ID)
	require.NoError(t, err)
	_, err = io.ReadAll(rc)
	require.ErrorIs(t, err, document.ErrCorrupt)
	require.NoError(t, rc.Close())

	// A changed length is found before reading.
	require.NoError(t, os.WriteFile(data, append(content, '\n'), 0o600))
	_, _, err = d.Get(ctx, "app-1", stored.ID)
	require.ErrorIs(t, err, document.ErrCorrupt)

	// Content gone but metadata there: not found, never half a document.
	require.NoError(t, os.Remove(data))
	_, _, err = d.Get(ctx, "app-1", stored.ID)
	require.ErrorIs(t, err, document.ErrNotFound)
}

func TestNewDirRefusesBadWiring(t *testing.T) {
	t.Parallel()
	_, err := document.NewDir(t.TempDir(), nil)
	require.Error(t, err)
	_, err = document.NewDir(t.TempDir(), registry.NewMemoryStore(), document.WithMaxSize(0))
	require.Error(t, err)
}

func TestDirNeverOverwritesADocument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC) }
	// A random source that repeats itself gives the same id twice.
	d, reg := newDir(t, t.TempDir(), document.WithClock(clock), document.WithRand(zeros{}))
	createApp(t, reg, "app-1")
	first, err := d.Put(ctx, document.Document{ApplicationID: "app-1", Kind: hcxonboard.DocSignatoryLetter, UploadedBy: "applicant"},
		bytes.NewReader(documenttest.PDF(100, "first")))
	require.NoError(t, err)
	_, err = d.Put(ctx, document.Document{ApplicationID: "app-1", Kind: hcxonboard.DocAddressProof, UploadedBy: "applicant"},
		bytes.NewReader(documenttest.PDF(100, "second")))
	require.Error(t, err)
	got, rc, err := d.Get(ctx, "app-1", first.ID)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, documenttest.PDF(100, "first"), b)
	require.Equal(t, first, got)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
