package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The answers the API modules share for a store's answer: 200 with its JSON, or 503 when the store fails. */
@ExtendWith(VertxExtension.class)
class StoreAnswerTest {
    private WorkerExecutor worker;
    private HttpServer server;
    private WebClient client;

    @BeforeEach
    void start(Vertx vertx) {
        worker = vertx.createSharedWorkerExecutor("store-answer-test", 1);
        Router router = Router.router(vertx);
        router.get("/read").handler(ctx -> Responses.onStore(ctx, worker.executeBlocking(() -> new JsonObject().put("rows", 3)),
                Responses.STORE_UNREADABLE).onSuccess(body -> Responses.json(ctx, 200, body)));
        router.get("/unreadable").handler(ctx -> Responses.onStore(ctx, worker.executeBlocking(() -> {
            throw new SQLException("database is locked");
        }), Responses.STORE_UNREADABLE).onSuccess(body -> Responses.json(ctx, 200, body)));
        // A failure without a message must still be answered, with the caller's words.
        router.get("/write").handler(ctx -> Responses.onStore(ctx, worker.executeBlocking(() -> {
            throw new IllegalStateException();
        }), "the store could not be reached; try again").onSuccess(x -> Responses.json(ctx, 200, new JsonObject())));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close().await();
        worker.close().await();
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(server.actualPort(), "127.0.0.1", path).send().await();
    }

    @Test
    void aReadAnswersItsJson() {
        HttpResponse<Buffer> r = get("/read");
        assertEquals(200, r.statusCode());
        assertEquals(3, r.bodyAsJsonObject().getInteger("rows"));
    }

    @Test
    void aFailedReadAnswers503AndSaysSoWithoutTheStoresOwnMessage() {
        HttpResponse<Buffer> r = get("/unreadable");
        assertEquals(503, r.statusCode());
        assertEquals(List.of(Responses.STORE_UNREADABLE), r.bodyAsJsonObject().getJsonArray("problems").getList());
    }

    @Test
    void aFailureWithoutAMessageIsAnsweredWithTheCallersWords() {
        HttpResponse<Buffer> r = get("/write");
        assertEquals(503, r.statusCode());
        assertEquals("the store could not be reached; try again", r.bodyAsJsonObject().getString("error"));
    }
}
