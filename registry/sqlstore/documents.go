package sqlstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/openhcx/hcxonboard/document"
)

// Documents is a [document.Store] in the registry database (schema
// version 6): each document a row of the table documents, beside its
// application, with its content as a BLOB (SQLite) or BYTEA (PostgreSQL).
// Every Store on one database sees the same documents, so replicas behind
// a load balancer share them. A foreign key ties a document to its
// application (ON DELETE CASCADE): a document of an application that does
// not exist is refused with [document.ErrNotFound], and one can never
// outlive its application. Put reads the upload into memory under the
// policy's size cap (default 10 MiB), then writes it in one statement,
// through the same write queue as the registry's writes on SQLite; Get
// reads the content whole and checks it against its digest before
// returning it. It is safe for concurrent use and valid until the Store
// is closed.
type Documents struct {
	s      *Store
	policy *document.Policy
}

var _ document.Store = (*Documents)(nil)

// Documents returns the documents of the Store's applications, with opts
// setting the upload policy (size cap, types, kinds, clock, randomness;
// see package document).
func (s *Store) Documents(opts ...document.Option) (*Documents, error) {
	p, err := document.NewPolicy(opts...)
	if err != nil {
		return nil, err
	}
	return &Documents{s: s, policy: p}, nil
}

// Policy returns the rules Put applies to uploads.
func (d *Documents) Policy() *document.Policy { return d.policy }

const documentColumns = `id, kind, media_type, size, sha256, created_at, uploaded_by`

// insertDocument stores a document only if its application exists, so
// that a missing application is a row count of 0 whether or not the
// connection enforces foreign keys; the key still guards against the
// application going at the same moment. PostgreSQL is told the parameters'
// types, which a SELECT list does not give it; SQLite would read those
// casts as affinities and must not see them.
var insertDocument = map[Dialect]string{
	SQLite: `INSERT INTO documents (application_id, ` + documentColumns + `, content)
	SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM applications WHERE id = $1`,
	Postgres: `INSERT INTO documents (application_id, ` + documentColumns + `, content)
	SELECT $1::text, $2::text, $3::text, $4::text, $5::bigint, $6::text, $7::bigint, $8::text, $9::bytea
	FROM applications WHERE id = $1::text`,
}

// Put stores a document, as [document.Store] describes.
func (d *Documents) Put(ctx context.Context, doc document.Document, content io.Reader) (document.Document, error) {
	if err := d.policy.Check(doc); err != nil {
		return document.Document{}, err
	}
	if err := d.s.ready(ctx); err != nil {
		return document.Document{}, err
	}
	// Before reading what may be megabytes for nothing.
	if err := d.applicationExists(ctx, doc.ApplicationID); err != nil {
		return document.Document{}, err
	}
	var buf bytes.Buffer
	stored, err := d.policy.Accept(ctx, doc, content, &buf)
	if err != nil {
		return document.Document{}, err
	}
	created, err := encodeTime(stored.CreatedAt, "document creation time")
	if err != nil {
		return document.Document{}, err
	}
	err = d.s.inTx(ctx, func(ctx context.Context, t *wtx) error {
		res, err := t.ExecContext(ctx, insertDocument[d.s.dialect], stored.ApplicationID, stored.ID, stored.Kind,
			stored.MediaType, stored.Size, stored.SHA256, created, stored.UploadedBy, buf.Bytes())
		if isForeignKeyViolation(err) {
			return fmt.Errorf("%w: application %q", document.ErrNotFound, stored.ApplicationID)
		}
		if err != nil {
			return fail(ctx, err, "store a document of application %q", stored.ApplicationID)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fail(ctx, err, "store a document of application %q", stored.ApplicationID)
		} else if n == 0 {
			return fmt.Errorf("%w: application %q", document.ErrNotFound, stored.ApplicationID)
		}
		return nil
	})
	if err != nil {
		return document.Document{}, err
	}
	return stored, nil
}

// applicationExists reports an application that does not exist as
// document.ErrNotFound.
func (d *Documents) applicationExists(ctx context.Context, id string) error {
	var n int
	if err := d.s.stmts.applicationExists.QueryRowContext(ctx, id).Scan(&n); err != nil {
		return fail(ctx, err, "read application %q", id)
	}
	if n == 0 {
		return fmt.Errorf("%w: application %q", document.ErrNotFound, id)
	}
	return nil
}

// Get returns a document and its content, as [document.Store] describes.
// The content has been checked against the document's digest and size
// before Get returns; a mismatch is [document.ErrCorrupt].
func (d *Documents) Get(ctx context.Context, applicationID, id string) (document.Document, io.ReadCloser, error) {
	if err := d.s.ready(ctx); err != nil {
		return document.Document{}, nil, err
	}
	if !document.ValidApplicationID(applicationID) || !document.ValidID(id) {
		return document.Document{}, nil, fmt.Errorf("%w: document %q", document.ErrNotFound, id)
	}
	var content []byte
	row := d.s.db.QueryRowContext(ctx, `SELECT `+documentColumns+`, content FROM documents WHERE application_id = $1 AND id = $2`,
		applicationID, id)
	doc, err := scanDocument(row, applicationID, &content)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return document.Document{}, nil, fmt.Errorf("%w: document %q", document.ErrNotFound, id)
	case err != nil:
		return document.Document{}, nil, fail(ctx, err, "read document %q", id)
	}
	sum := sha256.Sum256(content)
	if int64(len(content)) != doc.Size || hex.EncodeToString(sum[:]) != doc.SHA256 {
		return document.Document{}, nil, fmt.Errorf("%w: document %q", document.ErrCorrupt, id)
	}
	return doc, io.NopCloser(bytes.NewReader(content)), nil
}

// List returns an application's documents, as [document.Store] describes.
func (d *Documents) List(ctx context.Context, applicationID string) ([]document.Document, error) {
	if err := d.s.ready(ctx); err != nil {
		return nil, err
	}
	if !document.ValidApplicationID(applicationID) {
		return nil, fmt.Errorf("%w: application %q", document.ErrNotFound, applicationID)
	}
	rows, err := d.s.db.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE application_id = $1 ORDER BY created_at, id`,
		applicationID)
	if err != nil {
		return nil, fail(ctx, err, "list the documents of application %q", applicationID)
	}
	defer rows.Close()
	out := []document.Document{}
	for rows.Next() {
		doc, err := scanDocument(rows, applicationID, nil)
		if err != nil {
			return nil, fail(ctx, err, "list the documents of application %q", applicationID)
		}
		out = append(out, doc)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, err, "list the documents of application %q", applicationID)
	}
	if len(out) == 0 {
		if err := d.applicationExists(ctx, applicationID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Delete removes a document, as [document.Store] describes.
func (d *Documents) Delete(ctx context.Context, applicationID, id string) error {
	if err := d.s.ready(ctx); err != nil {
		return err
	}
	if !document.ValidApplicationID(applicationID) || !document.ValidID(id) {
		return fmt.Errorf("%w: document %q", document.ErrNotFound, id)
	}
	return d.s.inTx(ctx, func(ctx context.Context, t *wtx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM documents WHERE application_id = $1 AND id = $2`, applicationID, id)
		if err != nil {
			return fail(ctx, err, "delete document %q", id)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fail(ctx, err, "delete document %q", id)
		} else if n == 0 {
			return fmt.Errorf("%w: document %q", document.ErrNotFound, id)
		}
		return nil
	})
}

// scanDocument reads documentColumns, and content into *content when
// content is not nil.
func scanDocument(sc scanner, applicationID string, content *[]byte) (document.Document, error) {
	doc := document.Document{ApplicationID: applicationID}
	var created int64
	dest := []any{&doc.ID, &doc.Kind, &doc.MediaType, &doc.Size, &doc.SHA256, &created, &doc.UploadedBy}
	if content != nil {
		dest = append(dest, content)
	}
	if err := sc.Scan(dest...); err != nil {
		return document.Document{}, err
	}
	doc.CreatedAt = decodeTime(created)
	return doc, nil
}

// isForeignKeyViolation reports a document whose application is gone:
// SQLite's SQLITE_CONSTRAINT_FOREIGNKEY, PostgreSQL's SQLSTATE 23503 on
// documents_application_id_fkey.
func isForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503" && pe.ConstraintName == "documents_application_id_fkey"
}
