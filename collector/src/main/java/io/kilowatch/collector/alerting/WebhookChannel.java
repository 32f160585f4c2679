package io.kilowatch.collector.alerting;

import io.kilowatch.core.alerting.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

/** POSTs Alertmanager's webhook JSON; a 2xx answer is delivery, 5xx, 408, 429 and network errors are retried. */
final class WebhookChannel implements NotificationChannel {
    private final AlertingConfig.Webhook config;
    private final String externalUrl;
    private final HttpClientAgent client;

    WebhookChannel(Vertx vertx, AlertingConfig.Webhook config, String externalUrl) {
        this.config = config;
        this.externalUrl = externalUrl;
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.delivery().timeout().toMillis())
                .setVerifyHost(true);
        config.caFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        this.client = vertx.createHttpClient(options);
    }

    @Override
    public Future<Void> send(Notification n) {
        Buffer body = AlertmanagerPayload.body(n, externalUrl);
        long timeout = config.delivery().timeout().toMillis();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.url().toString())
                .setConnectTimeout(timeout).setIdleTimeout(timeout)
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Kilowatch-Alerting");
        config.bearerToken().ifPresent(token -> request.putHeader("Authorization", "Bearer " + token));
        return client.request(request)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().compose(answer -> {
                    int status = resp.statusCode();
                    if (status >= 200 && status < 300) {
                        return Future.<Void>succeededFuture();
                    }
                    String message = "HTTP " + status + " from " + config.origin();
                    boolean retry = status >= 500 || status == 408 || status == 429;
                    return Future.<Void>failedFuture(retry ? new IllegalStateException(message) : new PermanentFailure(message));
                }));
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
