package io.writ.connector.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * When and how long the SDK's {@link com.azure.core.http.policy.RetryPolicy} waits before trying an ARM call again:
 * throttling (429), timeouts (408) and server errors (5xx but 501 and 505, which a retry cannot fix), and requests
 * that got no response at all (timeouts, reset connections). The back-off doubles from {@code retryDelay} up to
 * {@code maxDelay}; the policy itself prefers ARM's {@code Retry-After}. A {@code Retry-After} longer than
 * {@code maxDelay} is not waited out here: the call fails and the engine, told when to come back, retries later
 * instead of holding a thread for minutes.
 */
final class ArmRetryStrategy implements RetryStrategy {
    private final int maxRetries;
    private final Duration retryDelay;
    private final Duration maxDelay;

    ArmRetryStrategy(int maxRetries, Duration retryDelay, Duration maxDelay) {
        this.maxRetries = maxRetries;
        this.retryDelay = retryDelay;
        this.maxDelay = maxDelay;
    }

    @Override
    public int getMaxRetries() {
        return maxRetries;
    }

    @Override
    public Duration calculateRetryDelay(int retryAttempts) {
        long factor = 1L << Math.min(retryAttempts, 20);
        Duration d = retryDelay.multipliedBy(factor);
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    @Override
    public boolean shouldRetryCondition(RequestRetryCondition condition) {
        return condition.getResponse() != null
                ? shouldRetry(condition.getResponse())
                : shouldRetryException(condition.getThrowable());
    }

    @Override
    public boolean shouldRetry(HttpResponse response) {
        return retryableStatus(response.getStatusCode())
                && retryAfter(response).map(d -> d.compareTo(maxDelay) <= 0).orElse(true);
    }

    @Override
    public boolean shouldRetryException(Throwable throwable) {
        return noResponse(throwable);
    }

    static boolean retryableStatus(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    /** Whether the call failed without a response: an I/O error or a timeout anywhere in the cause chain. */
    static boolean noResponse(Throwable throwable) {
        for (Throwable t = throwable; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** ARM's wait hint: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, or {@code Retry-After} in seconds. */
    static Optional<Duration> retryAfter(HttpResponse response) {
        for (String header : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            String ms = response.getHeaderValue(HttpHeaderName.fromString(header));
            if (ms != null && ms.strip().matches("\\d+")) {
                return Optional.of(Duration.ofMillis(Long.parseLong(ms.strip())));
            }
        }
        String seconds = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
        if (seconds != null && seconds.strip().matches("\\d+")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(seconds.strip())));
        }
        return Optional.empty();
    }
}
