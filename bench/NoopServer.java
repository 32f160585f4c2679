import io.vertx.core.Vertx;

/**
 * The peer for bench/ingest-wrk.sh: a Vert.x 5 HTTP server, one verticle on one event loop as the
 * collector's, whose handler reads the request body and answers 201 with a small JSON body without
 * looking at it. What Kilowatch's ingest costs is measured against this floor.
 *
 *   java -cp collector/target/kilowatch-collector.jar bench/NoopServer.java PORT
 */
public final class NoopServer {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        vertx.createHttpServer()
                .requestHandler(request -> request.body().onComplete(body -> request.response()
                        .setStatusCode(201).putHeader("Content-Type", "application/json")
                        .end("{\"status\":\"stored\",\"duplicate\":false}")))
                .listen(port, "127.0.0.1")
                .onSuccess(s -> System.out.println("no-op server listening on " + s.actualPort()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
