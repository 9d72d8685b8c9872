package sceau

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
)

// pdfFile is what an incremental update needs of the original file: where
// its objects are and what its trailer says.
type pdfFile struct {
	data    []byte
	offsets map[int]int
	size    int
	root    int
	info    string
	id      string
	xref    int
}

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	reRoot      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	reInfo      = regexp.MustCompile(`/Info\s+\d+\s+0\s+R`)
	reID        = regexp.MustCompile(`/ID\s*\[[^\]]*\]`)
	rePrev      = regexp.MustCompile(`/Prev\s+(\d+)`)
	rePages     = regexp.MustCompile(`/Pages\s+(\d+)\s+0\s+R`)
	reKids      = regexp.MustCompile(`/Kids\s*\[\s*(\d+)\s+0\s+R`)
	reSection   = regexp.MustCompile(`^(\d+)\s+(\d+)\s*$`)
)

// parsePDF reads the cross-reference tables of a PDF written with classic
// xref tables (as gofpdf writes them), following /Prev to earlier updates.
func parsePDF(data []byte) (*pdfFile, error) {
	m := reStartXref.FindSubmatch(data)
	if m == nil {
		return nil, errors.New("sceau: no startxref at the end of the file")
	}
	f := &pdfFile{data: data, offsets: map[int]int{}}
	f.xref, _ = strconv.Atoi(string(m[1]))
	for at, first := f.xref, true; ; first = false {
		trailer, err := f.readXref(at)
		if err != nil {
			return nil, err
		}
		if first {
			if m := reSize.FindSubmatch(trailer); m != nil {
				f.size, _ = strconv.Atoi(string(m[1]))
			}
			if m := reRoot.FindSubmatch(trailer); m != nil {
				f.root, _ = strconv.Atoi(string(m[1]))
			}
			f.info = string(reInfo.Find(trailer))
			f.id = string(reID.Find(trailer))
		}
		p := rePrev.FindSubmatch(trailer)
		if p == nil {
			break
		}
		at, _ = strconv.Atoi(string(p[1]))
	}
	if f.size == 0 || f.root == 0 {
		return nil, errors.New("sceau: trailer without /Size or /Root")
	}
	return f, nil
}

// readXref records the entries of the table at offset at that a later
// table has not set, and returns its trailer dictionary.
func (f *pdfFile) readXref(at int) ([]byte, error) {
	if at < 0 || at >= len(f.data) || !bytes.HasPrefix(f.data[at:], []byte("xref")) {
		return nil, fmt.Errorf("sceau: no xref table at offset %d (cross-reference streams are not supported)", at)
	}
	rest := f.data[at+4:]
	end := bytes.Index(rest, []byte("trailer"))
	if end < 0 {
		return nil, errors.New("sceau: xref table without trailer")
	}
	lines := bytes.Split(bytes.ReplaceAll(rest[:end], []byte("\r"), []byte("\n")), []byte("\n"))
	num := 0
	for _, l := range lines {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if m := reSection.FindSubmatch(l); m != nil {
			num, _ = strconv.Atoi(string(m[1]))
			continue
		}
		fields := bytes.Fields(l)
		if len(fields) != 3 {
			return nil, fmt.Errorf("sceau: bad xref entry %q", l)
		}
		if _, seen := f.offsets[num]; !seen && string(fields[2]) == "n" {
			off, _ := strconv.Atoi(string(fields[0]))
			f.offsets[num] = off
		}
		num++
	}
	trailer := rest[end:]
	if e := bytes.Index(trailer, []byte("startxref")); e >= 0 {
		trailer = trailer[:e]
	}
	return trailer, nil
}

// dict returns the dictionary of object num, without its outer << >>.
func (f *pdfFile) dict(num int) ([]byte, error) {
	off, ok := f.offsets[num]
	if !ok || off >= len(f.data) {
		return nil, fmt.Errorf("sceau: object %d not in the xref table", num)
	}
	body := f.data[off:]
	head := fmt.Sprintf("%d 0 obj", num)
	if !bytes.HasPrefix(body, []byte(head)) {
		return nil, fmt.Errorf("sceau: object %d is not at its xref offset", num)
	}
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("sceau: object %d has no endobj", num)
	}
	d := bytes.TrimSpace(body[len(head):end])
	if !bytes.HasPrefix(d, []byte("<<")) || !bytes.HasSuffix(d, []byte(">>")) || bytes.Contains(d, []byte("stream")) {
		return nil, fmt.Errorf("sceau: object %d is not a dictionary", num)
	}
	return d[2 : len(d)-2], nil
}

// placeholderSize is the width of the ByteRange numbers, room for files
// up to 10 GB.
const placeholderSize = 10

// appendSignature writes the incremental update that adds an invisible
// signature field on the first page, its signature dictionary with a
// /Contents of contentsLen bytes, and a catalog pointing to the AcroForm.
// It returns the new file and the ByteRange it covers; /Contents is still
// zeros.
func appendSignature(f *pdfFile, contentsLen int, at time.Time, name string) ([]byte, [4]int, error) {
	catalog, err := f.dict(f.root)
	if err != nil {
		return nil, [4]int{}, err
	}
	if bytes.Contains(catalog, []byte("/AcroForm")) {
		return nil, [4]int{}, errors.New("sceau: the document already has a form or a signature")
	}
	pm := rePages.FindSubmatch(catalog)
	if pm == nil {
		return nil, [4]int{}, errors.New("sceau: catalog without /Pages")
	}
	pagesNum, _ := strconv.Atoi(string(pm[1]))
	pages, err := f.dict(pagesNum)
	if err != nil {
		return nil, [4]int{}, err
	}
	km := reKids.FindSubmatch(pages)
	if km == nil {
		return nil, [4]int{}, errors.New("sceau: page tree without kids")
	}
	pageNum, _ := strconv.Atoi(string(km[1]))
	page, err := f.dict(pageNum)
	if err != nil {
		return nil, [4]int{}, err
	}
	sigNum, fieldNum, formNum := f.size, f.size+1, f.size+2
	widget := fmt.Sprintf("%d 0 R", fieldNum)
	// The widget goes into the page's annotations so that readers list
	// the seal with the page; an /Annots given by reference is left alone,
	// the field in the AcroForm being enough for validators.
	if i := bytes.Index(page, []byte("/Annots")); i >= 0 {
		rest := bytes.TrimLeft(page[i+len("/Annots"):], " \r\n")
		if bytes.HasPrefix(rest, []byte("[")) {
			j := len(page) - len(rest) + 1
			page = append(append(append([]byte{}, page[:j]...), []byte(widget+" ")...), page[j:]...)
		}
	} else {
		page = append(append([]byte{}, page...), []byte("\n/Annots ["+widget+"]")...)
	}

	var out bytes.Buffer
	out.Write(f.data)
	if !bytes.HasSuffix(f.data, []byte("\n")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	obj := func(num int, body string) {
		offsets[num] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", num, body)
	}
	offsets[sigNum] = out.Len()
	fmt.Fprintf(&out, "%d 0 obj\n<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /Name %s /M %s\n/ByteRange [0 ", sigNum, pdfString(name), pdfDate(at))
	brAt := out.Len()
	blank := bytes.Repeat([]byte(" "), placeholderSize)
	out.Write(blank)
	out.WriteByte(' ')
	out.Write(blank)
	out.WriteByte(' ')
	out.Write(blank)
	out.WriteString("]\n/Contents ")
	contentsStart := out.Len()
	out.WriteByte('<')
	out.Write(bytes.Repeat([]byte("0"), 2*contentsLen))
	out.WriteByte('>')
	contentsEnd := out.Len()
	out.WriteString(">>\nendobj\n")
	obj(fieldNum, fmt.Sprintf("<</Type /Annot /Subtype /Widget /FT /Sig /T (Sceau) /F 132 /Rect [0 0 0 0] /V %d 0 R /P %d 0 R>>", sigNum, pageNum))
	obj(formNum, fmt.Sprintf("<</Fields [%d 0 R] /SigFlags 3>>", fieldNum))
	// PAdES rests on ISO 32000-1: the catalog raises the version of a file
	// whose header says less.
	obj(f.root, "<<"+string(catalog)+fmt.Sprintf("\n/AcroForm %d 0 R\n/Version /1.7\n>>", formNum))
	obj(pageNum, "<<"+string(page)+">>")

	xrefAt := out.Len()
	nums := make([]int, 0, len(offsets))
	for n := range offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	out.WriteString("xref\n")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&out, "%d %d\n", nums[i], j-i+1)
		for _, n := range nums[i : j+1] {
			fmt.Fprintf(&out, "%010d 00000 n \n", offsets[n])
		}
		i = j + 1
	}
	fmt.Fprintf(&out, "trailer\n<<\n/Size %d\n/Root %d 0 R\n", formNum+1, f.root)
	if f.info != "" {
		out.WriteString(f.info + "\n")
	}
	if f.id != "" {
		out.WriteString(f.id + "\n")
	}
	fmt.Fprintf(&out, "/Prev %d\n>>\nstartxref\n%d\n%%%%EOF\n", f.xref, xrefAt)

	b := out.Bytes()
	br := [4]int{0, contentsStart, contentsEnd, len(b) - contentsEnd}
	nums4 := fmt.Sprintf("%-*d %-*d %-*d", placeholderSize, br[1], placeholderSize, br[2], placeholderSize, br[3])
	copy(b[brAt:], nums4)
	return b, br, nil
}

// fillContents writes der, hex-encoded, into the /Contents placeholder;
// the zeros left after it are padding that readers ignore.
func fillContents(b []byte, br [4]int, der []byte) error {
	room := (br[2] - br[1] - 2) / 2
	if len(der) > room {
		return fmt.Errorf("sceau: signature of %d bytes exceeds its %d-byte placeholder", len(der), room)
	}
	hex.Encode(b[br[1]+1:], der)
	return nil
}

// pdfDate writes t as a PDF date, in UTC.
func pdfDate(t time.Time) string {
	return t.UTC().Format("(D:20060102150405Z)")
}

// pdfString writes s as a PDF text string: UTF-16BE with its byte order
// mark when it is not plain ASCII, so that accents survive.
func pdfString(s string) string {
	ascii := true
	for _, r := range s {
		if r > 126 || r < 32 {
			ascii = false
			break
		}
	}
	if ascii {
		r := bytes.NewBufferString("(")
		for _, c := range []byte(s) {
			if c == '(' || c == ')' || c == '\\' {
				r.WriteByte('\\')
			}
			r.WriteByte(c)
		}
		r.WriteByte(')')
		return r.String()
	}
	u := []byte{0xfe, 0xff}
	for _, c := range utf16.Encode([]rune(s)) {
		u = append(u, byte(c>>8), byte(c))
	}
	return "<" + hex.EncodeToString(u) + ">"
}
