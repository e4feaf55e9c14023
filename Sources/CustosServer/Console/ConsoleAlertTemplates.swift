/// The Mustache templates of the console's Alerts section (registered with ``ConsoleTemplates/all``): the queue, one
/// alert, and the overview's summary of unresolved alerts.
enum ConsoleAlertTemplates {
    static let all: [String: String] = ["alerts": alerts, "alert": alert, "overviewAlerts": overviewAlerts]

    static let alerts = """
        <form method="get" action="/alerts" class="card grid" aria-label="Filter alerts">
        <p><label for="f-status">Status</label> <select id="f-status" name="status">
        {{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}
        </select></p>
        <p><label for="f-severity">Severity</label> <select id="f-severity" name="severity">
        {{#severities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/severities}}
        </select></p>
        <p><label for="f-rule">Rule</label> <input id="f-rule" name="rule" value="{{rule}}" placeholder="rule id"></p>
        <p><label for="f-assignee">Assignee</label>
        <input id="f-assignee" name="assignee" value="{{assignee}}" placeholder="investigator-7"></p>
        <input type="hidden" name="sort" value="{{sort}}">
        <p class="actions"><button type="submit">Filter</button></p>
        </form>
        <p>{{count}} alerts. Sort by:
        {{#sorts}}<a href="{{link}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a> {{/sorts}}
        · users are shown by pseudonym; open an alert to reveal one (recorded, with a reason).</p>
        {{#truncated}}<p class="note">Only the newest {{truncated}} matching alerts are sorted; narrow the filter to see
        older ones.</p>{{/truncated}}
        <table class="alerts"><thead><tr><th scope="col">Alert</th><th scope="col">User</th><th scope="col">Status</th>
        <th scope="col">Severity</th><th scope="col" class="num">Risk</th><th scope="col" class="num">Findings</th>
        <th scope="col">Rules</th><th scope="col">Last seen</th><th scope="col">Assignee</th></tr></thead><tbody>
        {{#alerts}}<tr class="{{severity}}"><td><a href="{{link}}">{{id}}</a></td><td><code>{{user}}</code></td>
        <td>{{status}}</td><td>{{severity}}</td><td class="num">{{risk}}</td><td class="num">{{findings}}</td>
        <td>{{rules}}</td><td>{{lastSeen}}</td><td>{{assignee}}</td></tr>{{/alerts}}
        {{^alerts}}<tr><td colspan="9">No alerts you may see match.</td></tr>{{/alerts}}
        </tbody></table>
        <p>{{#previous}}<a href="{{previous}}" rel="prev">Previous page</a> {{/previous}}
        {{#next}}<a href="{{next}}" rel="next">Next page</a>{{/next}}</p>
        """

    static let alert = """
        <dl class="facts"><dt>User</dt><dd><code id="alert-user">{{user}}</code>
        {{#revealed}} <strong>(revealed; recorded in the ledger)</strong>{{/revealed}}
        {{^revealed}} <span class="note">(pseudonym)</span>{{/revealed}}</dd>
        <dt>Status</dt><dd id="alert-status">{{status}}{{#disposition}} ({{disposition}}){{/disposition}}</dd>
        <dt>Severity</dt><dd>{{severity}}</dd><dt>Risk score</dt><dd>{{risk}} from {{findingCount}} findings</dd>
        <dt>Rules</dt><dd>{{rules}}</dd><dt>Seen</dt><dd>{{firstSeen}} – {{lastSeen}}</dd>
        <dt>Assignee</dt><dd>{{assignee}}</dd><dt>Opened</dt><dd>{{created}}</dd></dl>
        <section aria-labelledby="volume-h"><h2 id="volume-h">The user's activity</h2>
        {{{volumeChart}}}
        <p class="note">{{volumeNote}}</p></section>
        {{#peerChart}}<section aria-labelledby="peers-h"><h2 id="peers-h">Against their baseline and peers</h2>
        {{{peerChart}}}
        <p class="note" id="peer-note">{{peerNote}}</p></section>{{/peerChart}}
        <section aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>
        <ol class="findings">
        {{#findings}}<li><strong>{{title}}</strong> <span class="note">({{rule}} · {{severity}} · {{kind}} · {{time}})</span>
        <p>{{explanation}}</p>
        <p>Evidence: {{#evidence}}{{#mayOpenEvents}}<a href="{{link}}" class="evidence">event {{seq}}</a>
        (<a href="{{proof}}">inclusion proof</a>) {{/mayOpenEvents}}{{^mayOpenEvents}}event {{seq}} {{/mayOpenEvents}}
        {{/evidence}}</p></li>{{/findings}}
        {{^findings}}<li>No findings.</li>{{/findings}}
        </ol></section>
        <section aria-labelledby="triage-h"><h2 id="triage-h">Triage</h2>
        {{#refusal}}<p class="note" id="triage-refusal">{{refusal}}</p>{{/refusal}}
        {{#triage}}
        <div class="columns triage">
        <form method="post" action="/alerts/{{id}}/assign" class="card">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="t-assignee">Assign to</label> <input id="t-assignee" name="assignee" required></p>
        <p><button type="submit">Assign</button></p></form>
        <form method="post" action="/alerts/{{id}}/comment" class="card">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="t-text">Comment</label> <input id="t-text" name="text" required></p>
        <p><button type="submit">Comment</button></p></form>
        {{#mayAcknowledge}}<form method="post" action="/alerts/{{id}}/acknowledge" class="card">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><button type="submit" id="t-acknowledge">Acknowledge</button></p></form>{{/mayAcknowledge}}
        {{#mayResolve}}<form method="post" action="/alerts/{{id}}/resolve" class="card" id="resolve-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="t-disposition">Disposition</label> <select id="t-disposition" name="disposition">
        {{#dispositions}}<option value="{{value}}">{{value}}</option>{{/dispositions}}</select></p>
        <p><label for="t-note">Note</label> <input id="t-note" name="note"></p>
        <p><button type="submit">Resolve</button></p></form>{{/mayResolve}}
        {{#mayReopen}}<form method="post" action="/alerts/{{id}}/reopen" class="card">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="t-reopen-note">Note</label> <input id="t-reopen-note" name="note"></p>
        <p><button type="submit">Reopen</button></p></form>{{/mayReopen}}
        <form method="post" action="/alerts/{{id}}/reveal" class="card" id="reveal-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="t-reason">Reason to reveal the user</label> <input id="t-reason" name="reason" required></p>
        <p><button type="submit">Reveal</button></p></form>
        </div>
        {{/triage}}
        </section>
        <section aria-labelledby="history-h"><h2 id="history-h">History</h2>
        <table><thead><tr><th scope="col">Time</th><th scope="col">By</th><th scope="col">Action</th>
        <th scope="col">Detail</th></tr></thead><tbody>
        {{#history}}<tr><td>{{time}}</td><td>{{by}}</td><td>{{action}}</td><td>{{detail}}</td></tr>{{/history}}
        {{^history}}<tr><td colspan="4">No triage yet.</td></tr>{{/history}}
        </tbody></table>
        {{#ledgerLink}}<p><a href="{{ledgerLink}}">This alert's triage actions in the ledger</a></p>{{/ledgerLink}}
        </section>
        """

    static let overviewAlerts = """
        {{#alertSummary}}
        <section aria-labelledby="alerts-h">
        <h2 id="alerts-h">Unresolved alerts ({{total}})</h2>
        <div class="columns">
        <table><thead><tr><th scope="col">Severity</th><th scope="col" class="num">Alerts</th></tr></thead><tbody>
        {{#bySeverity}}<tr><td><a href="{{link}}">{{severity}}</a></td><td class="num">{{count}}</td></tr>{{/bySeverity}}
        </tbody></table>
        <table><thead><tr><th scope="col">Open for</th><th scope="col" class="num">Alerts</th></tr></thead><tbody>
        {{#byAge}}<tr><td>{{age}}</td><td class="num">{{count}}</td></tr>{{/byAge}}
        </tbody></table>
        </div>
        </section>
        {{/alertSummary}}
        """
}
