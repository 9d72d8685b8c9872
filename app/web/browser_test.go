package web_test

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cipcert/cipcert/app/web"
)

// The browser tests drive Debian's Chromium through the DevTools protocol
// against a real server. One browser serves the whole test process; each
// signed-in person gets its own browser context (its own cookies), each
// page a tab.

const chromiumPath = "/usr/bin/chromium"

//go:embed testdata/axe-core@4.14.1/axe.min.js
var axeSource string

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel context.CancelFunc
	browserErr    error

	// visited records the routes some test checked with axe, as
	// "METHOD /path/:param" rows of the page table.
	visitedMu sync.Mutex
	visited   = map[string]bool{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if browserCancel != nil {
		browserCancel()
	}
	// Only a full run can tell whether every page was checked.
	if f := flag.Lookup("test.run"); code == 0 && f != nil && f.Value.String() == "" {
		var missing []string
		for _, p := range web.Pages() {
			// A file route counts once a test has downloaded it (fetched).
			if !visited[p.Method+" "+p.Path] {
				missing = append(missing, p.Method+" "+p.Path)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			fmt.Fprintf(os.Stderr, "FAIL: pages no accessibility check visited:\n  %s\n", strings.Join(missing, "\n  "))
			code = 1
		}
	}
	os.Exit(code)
}

// startBrowser launches Chromium once. Its absence fails the test: a
// green run must mean the pages were checked in a browser.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	browserOnce.Do(func() {
		if _, err := os.Stat(chromiumPath); err != nil {
			browserErr = fmt.Errorf("chromium is required for the browser tests (apt-get install chromium): %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "cipcert-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("lang", "fr-FR"),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 800),
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(alloc)
		if err := chromedp.Do(ctx); err != nil {
			browserErr = fmt.Errorf("start chromium: %w", err)
		}
		browserCtx = ctx
		browserCancel = func() {
			cancelCtx()
			cancelAlloc()
			os.RemoveAll(dir)
		}
	})
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	return browserCtx
}

// tab is one browser tab.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	// noJS is set once JavaScript is off in this tab.
	noJS bool
	// again marks the second database's run: the pages are the same
	// HTML, so axe and the screenshots run once, on the first.
	again bool
}

// person opens a tab in a fresh browser context: no cookies shared with
// anyone else.
func (s *site) person(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(startBrowser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, base: s.srv.URL, again: s.db.Dialect != "sqlite"}
	tb.start()
	return tb
}

// newTab opens another tab for the same person.
func (tb *tab) newTab() *tab {
	ctx, cancel := chromedp.NewContext(tb.ctx)
	tb.t.Cleanup(cancel)
	n := &tab{t: tb.t, ctx: ctx, base: tb.base, again: tb.again}
	n.start()
	return n
}

// start opens the tab. Its first action must run on the tab's own context,
// not one with a timeout: chromedp ties the tab's life to that first
// context, and a timeout's cancel would close it.
func (tb *tab) start() {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		tb.t.Fatal(err)
	}
}

// noScript turns JavaScript off in this tab.
func (tb *tab) noScript() {
	tb.t.Helper()
	tb.scripts(false)
	tb.noJS = true
}

func (tb *tab) scripts(on bool) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		tb.t.Fatal(err)
	}
}

// do runs steps, failing the test on the first error. A step whose node
// went away before it acted (the page's script replaced the document's
// nodes between the query and the action) did nothing, and is tried again.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	tb.doWithin(30*time.Second, steps...)
}

// doWithin is do with a bound of its own per step, for a wait that spans
// several requests of the page (an issuance in steps) rather than one.
func (tb *tab) doWithin(d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	for _, step := range steps {
		var err error
		for range 3 {
			ctx, cancel := context.WithTimeout(tb.ctx, d)
			err = chromedp.Do(ctx, step)
			cancel()
			if err == nil || !strings.Contains(err.Error(), "No node with given id found") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			tb.t.Fatal(err)
		}
	}
}

// get runs one action and returns its value; like do, it tries again an
// action whose node the page's script replaced meanwhile.
func get[T any](tb *tab, a chromedp.Action[T]) T {
	tb.t.Helper()
	var v T
	var err error
	for range 3 {
		ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
		v, err = chromedp.Run(ctx, a)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "No node with given id found") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tb.t.Fatal(err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, js string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	return get(tb, chromedp.Evaluate[T](js, opts...))
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.base + path))
}

// path is the current address, without the host.
func (tb *tab) path() string {
	tb.t.Helper()
	return strings.TrimPrefix(get(tb, chromedp.Location()), tb.base)
}

// text is the visible text of the first element matching the CSS selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return get(tb, chromedp.Text(chromedp.CSS(sel)))
}

// body is the text of the page's main content.
func (tb *tab) body() string { return tb.text("main") }

// status is the HTTP status of the page shown.
func (tb *tab) status() int {
	tb.t.Helper()
	return eval[int](tb, `performance.getEntriesByType("navigation")[0].responseStatus`)
}

// type fills the fields (CSS selector → text) and submits the form of the last.
func (tb *tab) submit(fields ...string) {
	tb.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(fields[i]), fields[i+1]))
	}
	steps = append(steps, chromedp.Submit(chromedp.CSS(fields[len(fields)-2])))
	tb.navigates(steps...)
}

// navigates runs steps that load another page, and waits for it: the old
// page's root is marked (the DevTools evaluation works even with the
// page's JavaScript off), and the wait ends when a loaded page without the
// mark is there.
func (tb *tab) navigates(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	eval[any](tb, `document.documentElement.setAttribute("data-cc-old", "1")`)
	tb.do(steps...)
	// Under the race detector, with another package's tests beside it
	// on two cores, a page has been seen to take over 20 s, and once, on
	// PostgreSQL, over 45 s. The bound only keeps a broken page from
	// hanging the suite.
	deadline := time.Now().Add(90 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		err = chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("html:not([data-cc-old]) footer")))
		cancel()
		if err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("no new page after 90 s: %v", err)
}

// login signs in through the form.
func (tb *tab) login(identifiant string) {
	tb.t.Helper()
	tb.open("/connexion")
	tb.submit("#f-identifiant", identifiant, "#f-mot-de-passe", password(identifiant))
	if strings.HasPrefix(tb.path(), "/connexion") {
		tb.t.Fatalf("sign-in as %s failed: %s", identifiant, tb.body())
	}
}

// footerLinks are the links every page's footer carries: the mandatory
// public pages.
var footerLinks = []string{"/accessibilite", "/mentions-legales", "/donnees-personnelles", "/plan-du-site"}

// footer fails when the page's footer lacks one of footerLinks.
func (tb *tab) footer(name string) {
	tb.t.Helper()
	got := eval[[]string](tb, `[...document.querySelectorAll("footer.fr-footer a")].map(a => a.getAttribute("href"))`)
	for _, l := range footerLinks {
		if !slices.Contains(got, l) {
			tb.t.Errorf("%s: the footer has no link to %s (links: %v)", name, l, got)
		}
	}
}

// check runs axe on the page (route "" for a page outside the table, such
// as an error page) (no violation of impact serious or critical), checks
// it has no horizontal scrolling at 375 px, saves screenshots at 1280×800
// and 375×812, checks the footer's links, and records route as checked.
// It leaves the tab at 1280×800.
func (tb *tab) check(route, name string) {
	tb.t.Helper()
	if route != "" && !isRoute(route) {
		tb.t.Fatalf("check: %q is not a row of the page table", route)
	}
	if !tb.again {
		tb.footer(name)
	}
	for _, size := range []struct{ w, h int64 }{{1280, 800}, {375, 812}} {
		if size.w < 600 {
			tb.do(chromedp.EmulateViewport(size.w, size.h, chromedp.EmulateMobile))
		} else {
			tb.do(chromedp.EmulateViewport(size.w, size.h))
		}
		if tb.again {
			if size.w == 375 {
				if width := eval[int](tb, `document.documentElement.scrollWidth`); width > 375 {
					tb.t.Errorf("%s: %d px wide at 375 px: horizontal scrolling", name, width)
				}
			}
			continue
		}
		if tb.noJS {
			// axe needs timers: let it run on the page as loaded without
			// JavaScript (the page's own scripts do not run again).
			tb.scripts(true)
		}
		if !eval[bool](tb, `typeof window.axe !== "undefined"`) {
			eval[any](tb, axeSource)
		}
		for _, v := range eval[[]string](tb, axeRun, chromedp.EvalAwaitPromise) {
			tb.t.Errorf("%s at %d px: %s", name, size.w, v)
		}
		if tb.noJS {
			tb.scripts(false)
		}
		if size.w == 375 {
			if width := eval[int](tb, `document.documentElement.scrollWidth`); width > 375 {
				tb.t.Errorf("%s: %d px wide at 375 px: horizontal scrolling", name, width)
			}
		}
		tb.screenshot(fmt.Sprintf("%s-%d", name, size.w))
	}
	tb.do(chromedp.EmulateViewport(1280, 800))
	visitedMu.Lock()
	visited[route] = true
	visitedMu.Unlock()
}

// axeRun lists the serious and critical violations, one line each.
const axeRun = `(async () => {
	const r = await axe.run(document, {resultTypes: ["violations"]});
	return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(" | "));
})()`

func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	png := get(tb, chromedp.FullScreenshot(100))
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("screenshots", name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

func isRoute(route string) bool {
	for _, p := range web.Pages() {
		if p.Method+" "+p.Path == route {
			return true
		}
	}
	return false
}

// fetched records a file route as covered, once a test compared the bytes
// it served.
func fetched(t *testing.T, route string) {
	t.Helper()
	for _, p := range web.Pages() {
		if p.Method+" "+p.Path == route && p.File {
			visitedMu.Lock()
			visited[route] = true
			visitedMu.Unlock()
			return
		}
	}
	t.Fatalf("fetched: %q is not a file route of the page table", route)
}

// tabTo presses Tab until the element with that id has the focus, as a
// keyboard user would; it fails if the element cannot be reached.
func (tb *tab) tabTo(id string) {
	tb.t.Helper()
	for range 80 {
		if eval[string](tb, `document.activeElement ? document.activeElement.id : ""`) == id {
			return
		}
		tb.do(chromedp.KeyEvent(kb.Tab))
	}
	tb.t.Fatalf("#%s cannot be reached with Tab", id)
}

// typeKeys sends key events to the focused element.
func (tb *tab) typeKeys(s string) {
	tb.t.Helper()
	tb.do(chromedp.KeyEvent(s))
}
