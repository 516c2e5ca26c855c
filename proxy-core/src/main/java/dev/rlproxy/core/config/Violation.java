package dev.rlproxy.core.config;

/**
 * One reason a configuration value is invalid.
 *
 * @param key     where, relative to the record that found the problem, in YAML key form
 *                ({@code "authToken"}, {@code "static[1]"}, {@code "routes[0].upstream"});
 *                empty for the value itself
 * @param message what is wrong and what was expected; never contains a secret
 */
public record Violation(String key, String message) {

    public Violation {
        key = key == null ? "" : key;
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
    }

    @Override
    public String toString() {
        return key.isEmpty() ? message : key + ": " + message;
    }
}
