/// The console's Mustache templates, kept in the binary so the console needs no files beside it. Every page renders
/// into ``layout``'s `body`; `{{x}}` escapes, `{{{x}}}` is used only for markup built and escaped in code (charts).
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "overview": overview, "people": people, "person": person,
        "session": session, "datasets": datasets, "dataset": dataset, "search": search, "event": event,
        "subjects": subjects, "subject": subject, "ledger": ledger, "rules": rules, "accounts": accounts,
        "message": message, "eventTable": eventTable,
    ].merging(ConsoleAlertTemplates.all) { own, _ in own }

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Custos</title>
        <link rel="stylesheet" href="/static/console.css">
        <script src="/static/console.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        {{#account}}
        <header>
        <span class="brand">Custos</span>
        <nav aria-label="Sections"><ul>
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
        </ul></nav>
        <form method="post" action="/logout" class="signout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span class="who">{{username}} · {{role}}</span>
        <button type="submit">Sign out</button>
        </form>
        </header>
        {{/account}}
        <main id="main" tabindex="-1">
        <h1>{{title}}</h1>
        {{{body}}}
        </main>
        <footer>Every view of audit data in this console is recorded in the ledger as a custos.read event.</footer>
        </body>
        </html>
        """

    static let login = """
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login" class="card narrow">
        <input type="hidden" name="next" value="{{next}}">
        <p><label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required autofocus value="{{username}}"></p>
        <p><label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">Sign in</button></p>
        </form>
        """

    static let overview = """
        <section aria-labelledby="activity-h">
        <h2 id="activity-h">Dataset accesses per day</h2>
        {{{activityChart}}}
        <p class="note">{{activityNote}}</p>
        </section>
        {{> overviewAlerts}}
        <div class="columns">
        <section aria-labelledby="busiest-h">
        <h2 id="busiest-h">Busiest datasets</h2>
        <table><thead><tr><th scope="col">Dataset</th><th scope="col" class="num">Events</th>
        <th scope="col" class="num">Rows</th><th scope="col" class="num">Actors</th><th scope="col">Last access</th>
        </tr></thead><tbody>
        {{#datasets}}<tr><td>{{#hasLink}}<a href="{{link}}">{{name}}</a>{{/hasLink}}{{^hasLink}}{{name}}{{/hasLink}}</td>
        <td class="num">{{events}}</td><td class="num">{{rows}}</td><td class="num">{{actors}}</td><td>{{last}}</td></tr>
        {{/datasets}}
        {{^datasets}}<tr><td colspan="5">No dataset accesses yet.</td></tr>{{/datasets}}
        </tbody></table>
        </section>
        <section aria-labelledby="ledger-h">
        <h2 id="ledger-h">Ledger</h2>
        {{#checkpoint}}
        <dl class="facts">
        <dt>Latest checkpoint</dt><dd>size {{size}}</dd>
        <dt>Signed</dt><dd>{{created}} ({{age}} ago)</dd>
        <dt>Signature</dt><dd class="{{signatureClass}}">{{signature}}</dd>
        <dt>Witness cosignatures</dt><dd>{{cosignatures}}</dd>
        <dt>Events stored</dt><dd>{{events}}</dd>
        <dt>Last verification</dt><dd class="{{verificationClass}}">{{verification}}</dd>
        </dl>
        {{/checkpoint}}
        {{^checkpoint}}<p>No checkpoint has been signed yet.</p>{{/checkpoint}}
        </section>
        </div>
        """

    static let people = """
        <form method="get" action="/people/find" class="card">
        <p><label for="actor">Actor id</label> <input id="actor" name="actor" required placeholder="officer-0001">
        <button type="submit">Open</button></p>
        </form>
        <h2>Recently active</h2>
        <table><thead><tr><th scope="col">Actor</th><th scope="col">Name</th><th scope="col">Org unit</th>
        <th scope="col">Last event</th></tr></thead><tbody>
        {{#actors}}<tr><td><a href="{{link}}">{{id}}</a></td><td>{{name}}</td><td>{{org}}</td><td>{{last}}</td></tr>{{/actors}}
        {{^actors}}<tr><td colspan="4">No one you may see was active recently.</td></tr>{{/actors}}
        </tbody></table>
        """

    static let person = """
        <dl class="facts"><dt>Actor</dt><dd>{{actor}}</dd><dt>Name</dt><dd>{{name}}</dd>
        <dt>Org unit</dt><dd>{{org}}</dd></dl>
        <section aria-labelledby="volume-h"><h2 id="volume-h">Events per day (sessions listed below)</h2>
        {{{volumeChart}}}</section>
        <div class="columns">
        <section aria-labelledby="datasets-h"><h2 id="datasets-h">Datasets touched</h2>
        <ul>{{#datasets}}<li>{{name}} <span class="note">({{sessions}} sessions)</span></li>{{/datasets}}
        {{^datasets}}<li>None.</li>{{/datasets}}</ul></section>
        <section aria-labelledby="denied-h"><h2 id="denied-h">Denied requests</h2>
        <table><thead><tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col">Resource</th></tr></thead>
        <tbody>{{#denied}}<tr><td><a href="{{link}}">{{time}}</a></td><td>{{action}}</td><td>{{resource}}</td></tr>{{/denied}}
        {{^denied}}<tr><td colspan="3">None.</td></tr>{{/denied}}</tbody></table></section>
        </div>
        <section aria-labelledby="sessions-h"><h2 id="sessions-h">Sessions</h2>
        <ol class="timeline">
        {{#sessions}}<li><a href="{{link}}">{{start}} – {{end}}</a> · {{events}} events · {{rows}} rows
        {{#hasDenied}}· <strong>{{denied}} denied</strong>{{/hasDenied}} · {{datasets}}</li>{{/sessions}}
        {{^sessions}}<li>No sessions.</li>{{/sessions}}
        </ol>
        {{#next}}<p><a href="{{next}}" rel="next">Older sessions</a></p>{{/next}}
        </section>
        """

    static let session = """
        {{#summaries}}<dl class="facts"><dt>Actor</dt><dd><a href="{{link}}">{{actor}}</a></dd>
        <dt>From</dt><dd>{{start}}</dd><dt>To</dt><dd>{{end}}</dd><dt>Events</dt><dd>{{events}}</dd>
        <dt>Denied</dt><dd>{{denied}}</dd></dl>{{/summaries}}
        <h2>Events in order</h2>
        {{> eventTable}}
        {{#next}}<p><a href="{{next}}" rel="next">Later events</a></p>{{/next}}
        """

    static let eventTable = """
        <table class="events"><thead><tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Actor</th>
        <th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Dataset</th><th scope="col">Resource</th>
        <th scope="col">Subjects</th><th scope="col" class="num">Rows</th><th scope="col">Purpose</th></tr></thead><tbody>
        {{#events}}<tr class="{{outcome}}"><td><a href="{{link}}">{{seq}}</a></td><td>{{time}}</td><td>{{actor}}</td>
        <td>{{action}}</td><td>{{outcome}}</td><td>{{dataset}}</td><td>{{resource}}</td><td>{{subjects}}</td>
        <td class="num">{{rows}}</td><td>{{purpose}}</td></tr>{{/events}}
        {{^events}}<tr><td colspan="10">No events.</td></tr>{{/events}}
        </tbody></table>
        """

    static let datasets = """
        <table><thead><tr><th scope="col">Dataset</th><th scope="col" class="num">Events</th>
        <th scope="col" class="num">Rows</th><th scope="col" class="num">Actors</th><th scope="col">Last access</th>
        </tr></thead><tbody>
        {{#datasets}}<tr><td><a href="{{link}}">{{name}}</a></td><td class="num">{{events}}</td>
        <td class="num">{{rows}}</td><td class="num">{{actors}}</td><td>{{last}}</td></tr>{{/datasets}}
        {{^datasets}}<tr><td colspan="5">No dataset accesses yet.</td></tr>{{/datasets}}
        </tbody></table>
        """

    static let dataset = """
        <form method="get" class="card inline">
        <p><label for="from">From</label> <input id="from" name="from" value="{{from}}" placeholder="2026-01-01T00:00:00Z">
        <label for="to">To</label> <input id="to" name="to" value="{{to}}" placeholder="2026-02-01T00:00:00Z">
        <button type="submit">Show</button></p></form>
        <section aria-labelledby="actors-chart-h"><h2 id="actors-chart-h">Events per actor (busiest {{shown}} of {{total}})</h2>
        {{{actorChart}}}</section>
        <table><thead><tr><th scope="col">Actor</th><th scope="col" class="num">Events</th>
        <th scope="col" class="num">Rows</th><th scope="col" class="num">Bytes</th><th scope="col">First</th>
        <th scope="col">Last</th><th scope="col">Events</th></tr></thead><tbody>
        {{#actors}}<tr><td>{{actor}}</td><td class="num">{{events}}</td><td class="num">{{rows}}</td>
        <td class="num">{{bytes}}</td><td>{{first}}</td><td>{{last}}</td><td><a href="{{link}}">events</a></td></tr>{{/actors}}
        {{^actors}}<tr><td colspan="7">No access in this range.</td></tr>{{/actors}}
        </tbody></table>
        """

    static let search = """
        <form method="get" action="/search" class="card grid">
        {{#fields}}<p><label for="f-{{name}}">{{label}}</label>
        <input id="f-{{name}}" name="{{name}}" value="{{value}}" placeholder="{{placeholder}}"></p>{{/fields}}
        <p><label for="f-outcome">Outcome</label> <select id="f-outcome" name="outcome">
        {{#outcomes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/outcomes}}
        </select></p>
        <p class="actions"><button type="submit">Search</button></p>
        </form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#searched}}
        <p>{{count}} events on this page. <a href="{{csv}}" download>Export this page as CSV</a></p>
        {{> eventTable}}
        {{#next}}<p><a href="{{next}}" rel="next">Next page</a></p>{{/next}}
        {{/searched}}
        """

    static let event = """
        <dl class="facts"><dt>Seq</dt><dd>{{seq}}</dd><dt>Time</dt><dd>{{time}}</dd><dt>Actor</dt><dd>{{actor}}</dd>
        <dt>Action</dt><dd>{{action}}</dd><dt>Outcome</dt><dd>{{outcome}}</dd></dl>
        <h2>Event</h2><pre class="json">{{eventJSON}}</pre>
        <h2 id="proof">Inclusion proof</h2>
        {{#proof}}<p>This event is entry {{seq}} of the ledger; the proof below links its leaf hash to the signed checkpoint of
        size {{treeSize}}. Check it offline with the checkpoint's verifier key.</p>
        <pre class="json" id="proof-json">{{proof}}</pre>{{/proof}}
        {{^proof}}<p>The latest checkpoint does not cover this event yet; reload in a few seconds.</p>{{/proof}}
        <h2>Checkpoint</h2><pre class="json">{{checkpoint}}</pre>
        """

    static let subjects = """
        <form method="get" action="/subjects/report" class="card">
        <p><label for="subject">Subject id</label> <input id="subject" name="subject" required placeholder="person:1"></p>
        <p><label for="from">From</label> <input id="from" name="from" placeholder="2026-01-01T00:00:00Z">
        <label for="to">To</label> <input id="to" name="to" placeholder="2026-02-01T00:00:00Z"></p>
        <p><button type="submit">Report</button></p>
        </form>
        """

    static let subject = """
        <p class="noprint"><button type="button" data-print>Print</button>
        <a href="{{bundle}}" download>Download the JSON bundle with inclusion proofs</a></p>
        <dl class="facts"><dt>Subject</dt><dd>{{subject}}</dd><dt>Period</dt><dd>{{period}}</dd>
        <dt>Accesses</dt><dd>{{total}}</dd><dt>Produced</dt><dd>{{produced}} by {{producedBy}}</dd></dl>
        <table><thead><tr><th scope="col">Time</th><th scope="col">Who</th><th scope="col">Org unit</th>
        <th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Dataset</th><th scope="col">Case</th>
        <th scope="col">Purpose</th><th scope="col">Entry</th></tr></thead><tbody>
        {{#events}}<tr><td>{{time}}</td><td>{{actor}}</td><td>{{org}}</td><td>{{action}}</td><td>{{outcome}}</td>
        <td>{{dataset}}</td><td>{{caseID}}</td><td>{{reason}}</td><td><a href="{{link}}">{{seq}}</a></td></tr>{{/events}}
        {{^events}}<tr><td colspan="9">No access to this person's data in the period.</td></tr>{{/events}}
        </tbody></table>
        {{#next}}<p class="noprint"><a href="{{next}}" rel="next">Older accesses</a></p>{{/next}}
        """

    static let ledger = """
        <section aria-labelledby="verify-h"><h2 id="verify-h">Verification</h2>
        <form method="post" action="/ledger/verify" id="verify-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Verify now</button>
        </form>
        <p id="verify-status" role="status" aria-live="polite" data-status-url="/ledger/verify/status"
        data-running="{{running}}">{{verification}}</p>
        </section>
        <section aria-labelledby="growth-h"><h2 id="growth-h">Tree size at each checkpoint (latest {{count}})</h2>
        {{{sizeChart}}}</section>
        <table><thead><tr><th scope="col">Signed</th><th scope="col" class="num">Size</th><th scope="col">Root hash</th>
        </tr></thead><tbody>
        {{#checkpoints}}<tr><td>{{created}}</td><td class="num">{{size}}</td><td><code>{{root}}</code></td></tr>{{/checkpoints}}
        {{^checkpoints}}<tr><td colspan="3">No checkpoints yet.</td></tr>{{/checkpoints}}
        </tbody></table>
        <p>Verifier key: <code>{{verifierKey}}</code></p>
        """

    static let rules = """
        <section aria-labelledby="rules-h"><h2 id="rules-h">Rule pack ({{ruleCount}} rules{{#rulesDirectory}} from {{rulesDirectory}}{{/rulesDirectory}})</h2>
        <table><thead><tr><th scope="col">Title</th><th scope="col">Level</th><th scope="col">Description</th>
        <th scope="col">File</th></tr></thead><tbody>
        {{#rules}}<tr><td>{{title}}</td><td>{{level}}</td><td>{{description}}</td><td><code>{{file}}</code></td></tr>{{/rules}}
        {{^rules}}<tr><td colspan="4">No rule pack was loaded (custos serve --rules DIR).</td></tr>{{/rules}}
        </tbody></table></section>
        <section aria-labelledby="policy-h"><h2 id="policy-h">Policy set in force</h2>
        {{#policy}}<p>policies.cedar as loaded at start-up · SHA-256 <code>{{sha}}</code></p>
        <pre class="policy">{{text}}</pre>{{/policy}}
        {{^policy}}<p>No policies.cedar in the data directory: the decision point answers 503.</p>{{/policy}}
        </section>
        """

    static let accounts = """
        <p>Accounts are managed with <code>custos users add|list|disable</code>.</p>
        <table><thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Actor</th>
        <th scope="col">Org units</th><th scope="col">Created</th><th scope="col">Status</th></tr></thead><tbody>
        {{#accounts}}<tr><td>{{username}}</td><td>{{role}}</td><td>{{actor}}</td><td>{{units}}</td><td>{{created}}</td>
        <td>{{status}}</td></tr>{{/accounts}}
        </tbody></table>
        """

    static let message = """
        <p class="{{kind}}" role="alert">{{message}}</p>
        <p><a href="/">Back to the overview</a></p>
        """
}
