import Hummingbird

extension Router<CustosRequestContext> {
    /// Adds `GET /health`, answering `{"status":"ok"}` without authentication while the process serves — for the
    /// API server and the witness alike.
    func addHealthRoute() {
        get("/health") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}"))
            )
        }
    }
}
