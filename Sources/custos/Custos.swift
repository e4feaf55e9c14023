import ArgumentParser

/// The `custos` command: the server, the demo, and the tools supervisors and operators use.
@main
struct Custos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custos",
        abstract: "Oversight of access to sensitive data: policy, a verifiable record, detection and investigation.",
        subcommands: [
            DemoCommand.self, ServeCommand.self, IngestCommand.self, QueryCommand.self, KeysCommand.self,
            SimulateCommand.self, BenchCommand.self, KeygenCommand.self, VerifyCommand.self,
            PolicyCommand.self, RulesCommand.self, EvalCommand.self,
            AlertsCommand.self, FindingsCommand.self,
            WitnessCommand.self, EraseCommand.self,
            UsersCommand.self,
            ReferenceCommand.self, ExplainCommand.self,
            LedgerToolCommand.self,
        ]
    )
}
