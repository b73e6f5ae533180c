package document

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// Dir is a Store in a directory of the filesystem, for an operator on one
// machine (replicas sharing documents use the registry database's store,
// sqlstore.Documents). Each application has a directory named by the
// SHA-256 of its id, so that no id, whatever it holds, becomes a path;
// in it each document is two files named by its id (a UUID the store
// made): <id>.data, the content, and <id>.json, the metadata. Both are
// written to a temporary file, synced and renamed into place, content
// first, so a document is there whole or not at all; the metadata file is
// its commit. Every file operation goes through an [os.Root] opened on the
// directory, which refuses any name that would lead outside it.
type Dir struct {
	root   *os.Root
	apps   Applications
	policy *Policy
}

var _ Store = (*Dir)(nil)

// NewDir returns a Store in the directory at dir, creating it (mode 0700)
// if need be. apps tells which applications exist: Put and List refuse an
// application it does not know with ErrNotFound, as the database's foreign
// key does. Options set the policy (size cap, types, kinds, clock,
// randomness). Close releases the directory.
func NewDir(dir string, apps Applications, opts ...Option) (*Dir, error) {
	if apps == nil {
		return nil, errors.New("document: NewDir with no Applications")
	}
	p, err := NewPolicy(opts...)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("document: create the document directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("document: open the document directory: %w", err)
	}
	return &Dir{root: root, apps: apps, policy: p}, nil
}

// Policy returns the rules the Dir applies to uploads.
func (d *Dir) Policy() *Policy { return d.policy }

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// appDir names an application's directory: hex SHA-256 of its id.
func appDir(applicationID string) string {
	sum := sha256.Sum256([]byte(applicationID))
	return hex.EncodeToString(sum[:])
}

func dataName(applicationID, id string) string {
	return path.Join(appDir(applicationID), id+".data")
}

func metaName(applicationID, id string) string {
	return path.Join(appDir(applicationID), id+".json")
}

// exists reports whether the application exists, as ErrNotFound.
func (d *Dir) exists(ctx context.Context, applicationID string) error {
	_, err := d.apps.Application(ctx, applicationID)
	switch {
	case err == nil:
		return nil
	case isNotFound(err):
		return fmt.Errorf("%w: application %q", ErrNotFound, applicationID)
	default:
		return fmt.Errorf("document: look up application %q: %w", applicationID, err)
	}
}

// Put stores a document, as [Store] describes.
func (d *Dir) Put(ctx context.Context, doc Document, content io.Reader) (Document, error) {
	if err := d.policy.Check(doc); err != nil {
		return Document{}, err
	}
	if err := d.exists(ctx, doc.ApplicationID); err != nil {
		return Document{}, err
	}
	dir := appDir(doc.ApplicationID)
	if err := d.root.MkdirAll(dir, 0o700); err != nil {
		return Document{}, fmt.Errorf("document: create the application's directory: %w", err)
	}

	var stored Document
	data, err := d.writeTemp(dir, func(w io.Writer) error {
		var err error
		stored, err = d.policy.Accept(ctx, doc, content, w)
		return err
	})
	if err != nil {
		return Document{}, err
	}
	// Rename replaces what it finds: a taken id (a random source that
	// repeats itself) must fail, never overwrite another document.
	for _, n := range []string{dataName(doc.ApplicationID, stored.ID), metaName(doc.ApplicationID, stored.ID)} {
		if _, err := d.root.Lstat(n); !errors.Is(err, fs.ErrNotExist) {
			_ = d.root.Remove(data)
			return Document{}, fmt.Errorf("document: document id %s is taken; is the random source repeating itself?", stored.ID)
		}
	}
	if err := d.root.Rename(data, dataName(doc.ApplicationID, stored.ID)); err != nil {
		_ = d.root.Remove(data)
		return Document{}, fmt.Errorf("document: store the content: %w", err)
	}
	meta, err := d.writeTemp(dir, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(stored)
	})
	if err == nil {
		err = d.root.Rename(meta, metaName(doc.ApplicationID, stored.ID))
		if err != nil {
			_ = d.root.Remove(meta)
		}
	}
	if err == nil {
		err = d.syncDir(dir)
	}
	if err != nil {
		_ = d.root.Remove(metaName(doc.ApplicationID, stored.ID))
		_ = d.root.Remove(dataName(doc.ApplicationID, stored.ID))
		return Document{}, fmt.Errorf("document: store the metadata: %w", err)
	}
	return stored, nil
}

// writeTemp writes a new temporary file in dir with fill, syncs and
// closes it, and returns its name; on failure the file is gone.
func (d *Dir) writeTemp(dir string, fill func(io.Writer) error) (_ string, err error) {
	name := path.Join(dir, ".tmp-"+strings.ToLower(rand.Text()))
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("document: create a temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = d.root.Remove(name)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := fill(bw); err != nil {
		return "", err
	}
	if err := bw.Flush(); err != nil {
		return "", fmt.Errorf("document: write a temporary file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("document: sync a temporary file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("document: close a temporary file: %w", err)
	}
	return name, nil
}

// syncDir makes the renames in dir durable.
func (d *Dir) syncDir(dir string) error {
	f, err := d.root.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// readMeta reads a document's metadata.
func (d *Dir) readMeta(applicationID, id string) (Document, error) {
	if !ValidApplicationID(applicationID) || !ValidID(id) {
		return Document{}, fmt.Errorf("%w: document %q", ErrNotFound, id)
	}
	b, err := d.root.ReadFile(metaName(applicationID, id))
	if errors.Is(err, fs.ErrNotExist) {
		return Document{}, fmt.Errorf("%w: document %q", ErrNotFound, id)
	}
	if err != nil {
		return Document{}, fmt.Errorf("document: read document %q: %w", id, err)
	}
	var doc Document
	if err := json.Unmarshal(b, &doc); err != nil {
		return Document{}, fmt.Errorf("%w: document %q: metadata: %v", ErrCorrupt, id, err)
	}
	switch {
	case doc.ApplicationID != applicationID:
		return Document{}, fmt.Errorf("%w: document %q", ErrNotFound, id)
	case doc.ID != id:
		return Document{}, fmt.Errorf("%w: document %q: metadata names another id", ErrCorrupt, id)
	}
	return doc, nil
}

// Get returns a document and its content, as [Store] describes.
func (d *Dir) Get(ctx context.Context, applicationID, id string) (Document, io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return Document{}, nil, err
	}
	doc, err := d.readMeta(applicationID, id)
	if err != nil {
		return Document{}, nil, err
	}
	f, err := d.root.Open(dataName(applicationID, id))
	if errors.Is(err, fs.ErrNotExist) {
		// Deleted since its metadata was read.
		return Document{}, nil, fmt.Errorf("%w: document %q", ErrNotFound, id)
	}
	if err != nil {
		return Document{}, nil, fmt.Errorf("document: open document %q: %w", id, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return Document{}, nil, fmt.Errorf("document: open document %q: %w", id, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != doc.Size {
		f.Close()
		return Document{}, nil, fmt.Errorf("%w: document %q has %d bytes, not %d", ErrCorrupt, id, fi.Size(), doc.Size)
	}
	return doc, newVerifier(f, doc), nil
}

// List returns an application's documents, as [Store] describes.
func (d *Dir) List(ctx context.Context, applicationID string) ([]Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !ValidApplicationID(applicationID) {
		return nil, fmt.Errorf("%w: application %q", ErrNotFound, applicationID)
	}
	f, err := d.root.Open(appDir(applicationID))
	if errors.Is(err, fs.ErrNotExist) {
		if err := d.exists(ctx, applicationID); err != nil {
			return nil, err
		}
		return []Document{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("document: list the documents of application %q: %w", applicationID, err)
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("document: list the documents of application %q: %w", applicationID, err)
	}
	out := []Document{}
	for _, n := range names {
		id, ok := strings.CutSuffix(n, ".json")
		if !ok || !ValidID(id) {
			continue // content, temporary files
		}
		doc, err := d.readMeta(applicationID, id)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	if len(out) == 0 {
		if err := d.exists(ctx, applicationID); err != nil {
			return nil, err
		}
	}
	sortDocuments(out)
	return out, nil
}

// sortDocuments orders documents oldest first, then by id.
func sortDocuments(docs []Document) {
	slices.SortFunc(docs, func(a, b Document) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
}

// Delete removes a document, as [Store] describes. Its metadata goes
// first, so that it is gone the moment Delete returns, even if removing
// its content then fails.
func (d *Dir) Delete(ctx context.Context, applicationID, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := d.readMeta(applicationID, id); err != nil && !errors.Is(err, ErrCorrupt) {
		return err
	}
	err := d.root.Remove(metaName(applicationID, id))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: document %q", ErrNotFound, id) // deleted meanwhile
	}
	if err != nil {
		return fmt.Errorf("document: delete document %q: %w", id, err)
	}
	if err := d.root.Remove(dataName(applicationID, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("document: delete the content of document %q: %w", id, err)
	}
	return d.syncDir(appDir(applicationID))
}

// verifier passes a document's content through, hashing it, and fails
// the read that reaches its end with ErrCorrupt if the content is not
// what the metadata says.
type verifier struct {
	r    io.ReadCloser
	doc  Document
	h    hash.Hash
	n    int64
	done error
}

func newVerifier(r io.ReadCloser, doc Document) *verifier {
	return &verifier{r: r, doc: doc, h: sha256.New()}
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.done != nil {
		return 0, v.done
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n > v.doc.Size {
		v.done = fmt.Errorf("%w: document %q is longer than %d bytes", ErrCorrupt, v.doc.ID, v.doc.Size)
		return n, v.done
	}
	if errors.Is(err, io.EOF) {
		sum := v.h.Sum(nil)
		want, _ := hex.DecodeString(v.doc.SHA256)
		switch {
		case v.n != v.doc.Size:
			v.done = fmt.Errorf("%w: document %q has %d bytes, not %d", ErrCorrupt, v.doc.ID, v.n, v.doc.Size)
		case !bytes.Equal(sum, want):
			v.done = fmt.Errorf("%w: document %q", ErrCorrupt, v.doc.ID)
		default:
			v.done = io.EOF
		}
		return n, v.done
	}
	return n, err
}

func (v *verifier) Close() error { return v.r.Close() }
