package io.writ.connector.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.net.URL;
import java.util.Set;

/**
 * Lets the SDK talk to a plain-http stub on this machine. The SDK's bearer-token policy refuses any URL that is not
 * {@code https}, so the connector gives the SDK an {@code https://localhost:PORT/} endpoint and this client, the last
 * hop before the socket, sends those requests as {@code http} instead. Only loopback origins that the settings named
 * with {@code http://} are rewritten, so a token can never leave the machine unencrypted; this was preferred to a
 * TLS stub because it needs no keystore in every test that uses the stub (the engine's included).
 */
final class LoopbackHttpClient implements HttpClient {
    private final HttpClient delegate;
    private final Set<String> plainOrigins;

    /** @param plainOrigins {@code host:port} pairs that are served over plain http */
    LoopbackHttpClient(HttpClient delegate, Set<String> plainOrigins) {
        this.delegate = delegate;
        this.plainOrigins = Set.copyOf(plainOrigins);
    }

    static String origin(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    /** The {@code https} form of a plain loopback URL, as the SDK must see it. */
    static URI asHttps(URI uri) {
        return URI.create("https" + uri.toString().substring("http".length()));
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return delegate.send(downgrade(request));
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return delegate.send(downgrade(request), context);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        return delegate.sendSync(downgrade(request), context);
    }

    private HttpRequest downgrade(HttpRequest request) {
        URL url = request.getUrl();
        if ("https".equals(url.getProtocol()) && plainOrigins.contains(url.getHost() + ":" + url.getPort())) {
            request.setUrl("http" + url.toString().substring("https".length()));
        }
        return request;
    }
}
