package web

import (
	"archive/zip"
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The downloads the API and the pages both serve, written once.

// DocumentFileName is what a person's browser saves for an issued document:
// type and number, no odd characters.
func DocumentFileName(d certification.Document) string {
	return string(d.Type) + "-" + d.Numero + ".pdf"
}

// SendDocumentsZip answers with the documents of a session as one ZIP
// archive, one PDF per entry.
func SendDocumentsZip(c echo.Context, sessionID string, ds []certification.Document) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, d := range ds {
		// PDFs are already compressed: store them as they are.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: DocumentFileName(d), Method: zip.Store, Modified: d.EmisAt})
		if err != nil {
			return err
		}
		if _, err := f.Write(d.Contenu); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="documents-session-`+sessionID+`.zip"`)
	return c.Blob(http.StatusOK, "application/zip", buf.Bytes())
}

// SendDraftPDF answers with a working document rendered on request (a
// draft PV, a livret preview): never cached, opened in the browser rather
// than saved. err is the rendering's, returned as it is.
func SendDraftPDF(c echo.Context, name string, data []byte, err error) error {
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", data)
}
