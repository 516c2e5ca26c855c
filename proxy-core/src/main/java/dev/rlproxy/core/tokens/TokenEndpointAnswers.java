package dev.rlproxy.core.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rlproxy.core.tokens.OAuth2ClientCredentials.CredentialRequestFailedException;
import java.io.IOException;

/** How the HTTP credential sources (OAuth2 client credentials, GitHub App) read a token endpoint's answer. */
final class TokenEndpointAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenEndpointAnswers() {
    }

    /** The body as JSON, or null when it is empty or not JSON: the caller then reports the status alone. */
    static JsonNode readJson(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * No answer came. Only the innermost exception's class is named: the HTTP client's own messages
     * may carry the URL, and whatever the message says goes to the log.
     */
    static CredentialRequestFailedException noAnswer(String request, Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return new CredentialRequestFailedException(request + " failed: " + cause.getClass().getSimpleName());
    }
}
