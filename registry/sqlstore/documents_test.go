package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhcx/hcxonboard"
	"github.com/openhcx/hcxonboard/document"
	"github.com/openhcx/hcxonboard/document/documenttest"
	"github.com/openhcx/hcxonboard/registry"
	"github.com/openhcx/hcxonboard/registry/sqlstore"
	"github.com/openhcx/hcxonboard/registry/sqlstore/sqlstoretest"
)

func documentsOf(t *testing.T, s *sqlstore.Store, opts ...document.Option) *sqlstore.Documents {
	t.Helper()
	d, err := s.Documents(opts...)
	require.NoError(t, err)
	return d
}

func TestSQLiteDocumentConformance(t *testing.T) {
	t.Parallel()
	documenttest.Run(t, func(t *testing.T, opts ...document.Option) (document.Store, registry.Writer) {
		s := sqlstoretest.SQLite(t)
		return documentsOf(t, s, opts...), s
	})
}

func TestPostgresDocumentConformance(t *testing.T) {
	t.Parallel()
	sqlstoretest.PostgresDSN(t) // skip the whole suite at once when there is no server
	documenttest.Run(t, func(t *testing.T, opts ...document.Option) (document.Store, registry.Writer) {
		s := sqlstoretest.Postgres(t)
		return documentsOf(t, s, opts...), s
	})
}

func letter(app string) document.Document {
	return document.Document{ApplicationID: app, Kind: hcxonboard.DocSignatoryLetter, UploadedBy: "applicant"}
}

func TestDocumentsAreSharedByStoresOnOneDatabase(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		one, err := b.open(t, "shared")
		require.NoError(t, err)
		t.Cleanup(func() { one.Close() })
		two, err := b.open(t, "shared")
		require.NoError(t, err)
		t.Cleanup(func() { two.Close() })

		require.NoError(t, one.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}}))
		content := documenttest.PDF(3000, "shared")
		stored, err := documentsOf(t, one).Put(ctx, letter("app-1"), bytes.NewReader(content))
		require.NoError(t, err)

		docs := documentsOf(t, two)
		got, rc, err := docs.Get(ctx, "app-1", stored.ID)
		require.NoError(t, err)
		b2, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		require.Equal(t, content, b2)
		require.Equal(t, stored.SHA256, got.SHA256)
		require.NoError(t, docs.Delete(ctx, "app-1", stored.ID))
		_, _, err = documentsOf(t, one).Get(ctx, "app-1", stored.ID)
		require.ErrorIs(t, err, document.ErrNotFound)
	})
}

// TestDocumentsBelongToTheirApplication checks the schema itself: a row
// for an application that does not exist is refused by the database, and
// deleting an application deletes its documents.
func TestDocumentsBelongToTheirApplication(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "fk")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		db := sqlstore.DBOf(s)
		for _, id := range []string{"app-1", "app-2"} {
			require.NoError(t, s.Create(ctx, registry.Write{Application: &registry.Application{ID: id, Stage: registry.StageSubmitted}}))
		}
		docs := documentsOf(t, s)
		d1, err := docs.Put(ctx, letter("app-1"), bytes.NewReader(documenttest.PDF(100, "1")))
		require.NoError(t, err)
		_, err = docs.Put(ctx, letter("app-1"), bytes.NewReader(documenttest.PDF(100, "2")))
		require.NoError(t, err)
		d3, err := docs.Put(ctx, letter("app-2"), bytes.NewReader(documenttest.PDF(100, "3")))
		require.NoError(t, err)

		_, err = db.ExecContext(ctx, `INSERT INTO documents (application_id, id, kind, media_type, size, sha256, created_at, uploaded_by, content)
			VALUES ('no-such-app', $1, 'address_proof', 'application/pdf', 1, '', 0, 'x', $2)`, d1.ID, []byte("x"))
		require.Error(t, err, "the foreign key refuses a document without its application")

		_, err = db.ExecContext(ctx, `DELETE FROM applications WHERE id = 'app-1'`)
		require.NoError(t, err)
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE application_id = 'app-1'`).Scan(&n))
		require.Zero(t, n, "deleting an application deletes its documents")
		_, _, err = docs.Get(ctx, "app-1", d1.ID)
		require.ErrorIs(t, err, document.ErrNotFound)
		_, err = docs.List(ctx, "app-1")
		require.ErrorIs(t, err, document.ErrNotFound)
		list, err := docs.List(ctx, "app-2")
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, d3.ID, list[0].ID)
	})
}

func TestDocumentsDetectCorruption(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, err := b.open(t, "corrupt")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		db := sqlstore.DBOf(s)
		require.NoError(t, s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}}))
		docs := documentsOf(t, s)
		content := documenttest.PDF(100, "x")
		d, err := docs.Put(ctx, letter("app-1"), bytes.NewReader(content))
		require.NoError(t, err)

		_, err = db.ExecContext(ctx, `UPDATE documents SET content = $1 WHERE id = $2`, documenttest.PDF(101, "x"), d.ID)
		require.Error(t, err, "the size check refuses content of another length")

		tampered := bytes.Clone(content)
		tampered[50] ^= 1
		_, err = db.ExecContext(ctx, `UPDATE documents SET content = $1 WHERE id = $2`, tampered, d.ID)
		require.NoError(t, err)
		_, rc, err := docs.Get(ctx, "app-1", d.ID)
		require.ErrorIs(t, err, document.ErrCorrupt)
		require.Nil(t, rc)
	})
}

// TestDocumentsAfterUpgradeFromVersion5 opens a database that version 5
// wrote: migration 6 adds the table and the applications already stored
// take documents.
func TestDocumentsAfterUpgradeFromVersion5(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s, db := atVersion(t, b, "v5", 5)
		var err error
		_, err = db.ExecContext(ctx, `INSERT INTO applications (id, stage, version, created_at, updated_at) VALUES ('app-1', 'submitted', 1, 0, 0)`)
		require.NoError(t, err)
		require.NoError(t, s.Close())

		s, err = b.open(t, "v5")
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		require.Equal(t, allVersions(b.dialect), schemaVersions(t, s))
		require.GreaterOrEqual(t, sqlstore.MigrationCount(b.dialect), 6)
		docs := documentsOf(t, s)
		_, err = docs.Put(ctx, letter("app-1"), bytes.NewReader(documenttest.PNG(2, 2)))
		require.NoError(t, err)
		list, err := docs.List(ctx, "app-1")
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, document.PNG, list[0].MediaType)
	})
}

func TestDocumentsOfAClosedStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := sqlstore.OpenSQLite(ctx, t.TempDir()+"/registry.db")
	require.NoError(t, err)
	docs := documentsOf(t, s)
	require.NoError(t, s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}}))
	d, err := docs.Put(ctx, letter("app-1"), bytes.NewReader(documenttest.PDF(100, "x")))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, err = docs.Put(ctx, letter("app-1"), bytes.NewReader(documenttest.PDF(100, "y")))
	require.ErrorIs(t, err, sqlstore.ErrClosed)
	_, _, err = docs.Get(ctx, "app-1", d.ID)
	require.ErrorIs(t, err, sqlstore.ErrClosed)
	_, err = docs.List(ctx, "app-1")
	require.ErrorIs(t, err, sqlstore.ErrClosed)
	require.ErrorIs(t, docs.Delete(ctx, "app-1", d.ID), sqlstore.ErrClosed)
}

func TestDocumentsOptionsAreChecked(t *testing.T) {
	t.Parallel()
	s := sqlstoretest.SQLite(t)
	_, err := s.Documents(document.WithMaxSize(-1))
	require.Error(t, err)
	d, err := s.Documents(document.WithMaxSize(1 << 20))
	require.NoError(t, err)
	require.EqualValues(t, 1<<20, d.Policy().MaxSize())
}

func ExampleStore_Documents() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "registry")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := sqlstore.OpenSQLite(ctx, filepath.Join(dir, "registry.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Create(ctx, registry.Write{Application: &registry.Application{ID: "app-1", Stage: registry.StageSubmitted}}); err != nil {
		log.Fatal(err)
	}

	docs, err := s.Documents(document.WithMaxSize(5 << 20))
	if err != nil {
		log.Fatal(err)
	}
	proof := []byte("%PDF-1.4\n% empanelment letter\n%%EOF\n")
	stored, err := docs.Put(ctx, document.Document{ApplicationID: "app-1", Kind: hcxonboard.DocEmpanelmentProof,
		UploadedBy: "applicant"}, bytes.NewReader(proof))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(stored.Kind, stored.MediaType, stored.Size)

	// The database's foreign key: no application, no document.
	_, err = docs.Put(ctx, document.Document{ApplicationID: "app-2", Kind: hcxonboard.DocEmpanelmentProof,
		UploadedBy: "applicant"}, bytes.NewReader(proof))
	fmt.Println(errors.Is(err, document.ErrNotFound))

	list, err := docs.List(ctx, "app-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(list), list[0].ID == stored.ID)
	// Output:
	// empanelment_proof application/pdf 36
	// true
	// 1 true
}
