package io.writ.connector.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import io.writ.connector.ConnectorException;
import io.writ.connector.ConnectorException.Kind;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns what the SDK throws into the SPI's {@link ConnectorException}. By the time an error reaches here the retry
 * policy has spent its budget, so a throttled, failing or silent ARM is {@link Kind#TRANSIENT} (the engine retries
 * later), and any other refusal (403, 404, 409, 400) is {@link Kind#FINAL} with ARM's own code and message.
 */
final class ArmErrors {
    private ArmErrors() {
    }

    /** An ARM call; unchecked SDK errors become {@link ConnectorException}s. */
    @FunctionalInterface
    interface ArmCall<T> {
        T call() throws ConnectorException;
    }

    static <T> T call(String what, ArmCall<T> call) throws ConnectorException {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw translate(what, e);
        }
    }

    static ConnectorException translate(String what, RuntimeException e) {
        if (e instanceof HttpResponseException hre && hre.getResponse() != null) {
            HttpResponse response = hre.getResponse();
            int status = response.getStatusCode();
            String code = "HttpStatus" + status;
            String message = firstLine(hre.getMessage());
            if (hre instanceof ManagementException me && me.getValue() instanceof ManagementError error) {
                code = error.getCode() != null ? error.getCode() : code;
                message = error.getMessage() != null ? error.getMessage() : message;
            }
            boolean transientStatus = ArmRetryStrategy.retryableStatus(status);
            Duration retryAfter = transientStatus ? ArmRetryStrategy.retryAfter(response).orElse(null) : null;
            return new ConnectorException(transientStatus ? Kind.TRANSIENT : Kind.FINAL, code, status,
                    what + ": ARM answered " + status + " " + code + ": " + message, retryAfter, e);
        }
        if (ArmRetryStrategy.noResponse(e)) {
            return new ConnectorException(Kind.TRANSIENT, "NoResponse", 0,
                    what + ": no response after the retry budget (" + rootMessage(e) + ")", null, e);
        }
        if (e instanceof ClientAuthenticationException) {
            return new ConnectorException(Kind.FINAL, "AuthenticationFailed", 0,
                    what + ": no ARM token could be obtained (" + firstLine(e.getMessage()) + ")", null, e);
        }
        return new ConnectorException(Kind.FINAL, "UnexpectedError", 0,
                what + ": " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()), null, e);
    }

    /** A read that treats ARM's 404 as absence. */
    static <T> Optional<T> ifExists(Supplier<T> read) {
        try {
            return Optional.ofNullable(read.get());
        } catch (RuntimeException e) {
            if (isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static boolean isNotFound(RuntimeException e) {
        return e instanceof HttpResponseException hre && hre.getResponse() != null
                && hre.getResponse().getStatusCode() == 404;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
