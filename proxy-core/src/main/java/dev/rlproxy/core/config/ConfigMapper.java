package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rlproxy.core.tokens.RsaSigningKey;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/** The one Jackson setup that turns configuration YAML into the records of this package. */
final class ConfigMapper {

    /** The value types read from one YAML scalar by their own parser: some are records, none is a mapping. */
    private static final SimpleDeserializers SCALARS = scalars();

    static final ObjectMapper MAPPER = create();

    private ConfigMapper() {
    }

    /** Whether {@code type} is read from a single YAML scalar rather than from a mapping or list. */
    static boolean readsFromScalar(Class<?> type) {
        return SCALARS.hasDeserializerFor(MAPPER.getDeserializationConfig(), type);
    }

    private static SimpleDeserializers scalars() {
        SimpleDeserializers values = new SimpleDeserializers();
        values.addDeserializer(Duration.class,
                new ScalarDeserializer<>(Duration.class, Durations.EXPECTED, Durations::parse));
        values.addDeserializer(DataSize.class,
                new ScalarDeserializer<>(DataSize.class, DataSize.EXPECTED, DataSize::parse));
        values.addDeserializer(HostPort.class,
                new ScalarDeserializer<>(HostPort.class, HostPort.EXPECTED, HostPort::parse));
        values.addDeserializer(BucketScope.class,
                new ScalarDeserializer<>(BucketScope.class, BucketScope.EXPECTED, BucketScope::parse));
        values.addDeserializer(URI.class, new ScalarDeserializer<>(URI.class, "expected a URL", ConfigMapper::url));
        values.addDeserializer(Path.class, new TokenFileDeserializer());
        values.addDeserializer(RsaSigningKey.class, new ScalarDeserializer<>(RsaSigningKey.class,
                "expected the PEM text of a private key", PrivateKeyFileDeserializer::fromText));
        values.addDeserializer(StoreType.class, ScalarDeserializer.forEnum(StoreType.class));
        values.addDeserializer(FailureMode.class, ScalarDeserializer.forEnum(FailureMode.class));
        values.addDeserializer(TokenMode.class, ScalarDeserializer.forEnum(TokenMode.class));
        values.addDeserializer(ForwardedHeaders.class, ScalarDeserializer.forEnum(ForwardedHeaders.class));
        values.addDeserializer(QuotaMetric.class, ScalarDeserializer.forEnum(QuotaMetric.class));
        values.addDeserializer(QuotaPeriod.class, ScalarDeserializer.forEnum(QuotaPeriod.class));
        values.addDeserializer(TrustMode.class, ScalarDeserializer.forEnum(TrustMode.class));
        values.addDeserializer(Http2Mode.class, new ScalarDeserializer<>(Http2Mode.class, Http2Mode.EXPECTED, Http2Mode::parse));
        values.addDeserializer(EgressProxy.class,
                new ScalarDeserializer<>(EgressProxy.class, EgressProxy.EXPECTED, EgressProxy::parse));
        values.addDeserializer(QuotaScope.class, ScalarDeserializer.forEnum(QuotaScope.class));
        return values;
    }

    private static ObjectMapper create() {
        SimpleModule values = new SimpleModule("rlproxy-config-values");
        values.setDeserializers(SCALARS);
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.registerModule(values);
        mapper.setInjectableValues(new AttributeInjectables());
        // Unknown keys were reported, with their locations, by UnknownKeyCheck before binding began.
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // limit: 1.5 is a mistake, not 1.
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);
        return mapper;
    }

    private static URI url(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            // The text is not echoed: URLs sometimes carry credentials.
            throw InvalidConfigException.of("expected a URL like https://api.example.com");
        }
    }
}
