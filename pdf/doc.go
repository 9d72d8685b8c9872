// Package pdf lays out the documents of a certification session (the
// parchemin, the livret de certification and the procès-verbal de session)
// as A4 PDF files, in the sober style of French administrative documents.
//
// It implements certification.Renderer with gofpdf; no other package calls
// gofpdf. The output depends only on the data: the same input gives the same
// bytes, because an issued document is stored and served unchanged and its
// SHA-256 is recorded.
//
// Text is drawn with Liberation Sans, embedded as a subset that covers the
// Latin script in full (Latin-1, Latin Extended-A and -B, Latin Extended
// Additional for Vietnamese), combining accents and the usual punctuation.
// A character outside that set is an error, not a blank box: see Unsupported.
package pdf
