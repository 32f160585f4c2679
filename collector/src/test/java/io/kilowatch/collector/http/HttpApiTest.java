package io.kilowatch.collector.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpApiTest {
    /** Prometheus sends "Accept-Encoding: gzip"; RFC 9110 lets a client list codings with weights, and q=0 refuses one. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "gzip                     | true",
            "GZip                     | true",
            "deflate, gzip;q=0.5      | true",
            "br , gzip ; q=1.0        | true",
            "gzip;q=0                 | false",
            "gzip; q=0.000, identity  | false",
            "identity                 | false",
            "x-gzip2                  | false",
            "''                       | false",
            "none                     | false"})
    void gzipIsUsedOnlyWhenTheClientTakesIt(String acceptEncoding, boolean gzip) {
        assertEquals(gzip, HttpApi.acceptsGzip(acceptEncoding));
    }
}
