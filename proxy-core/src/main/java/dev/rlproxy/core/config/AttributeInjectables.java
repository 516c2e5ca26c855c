package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.InjectableValues;

/** Supplies {@code @JacksonInject} values from the current read's attributes (e.g. an upstream's name). */
final class AttributeInjectables extends InjectableValues {

    @Override
    public Object findInjectableValue(Object valueId, DeserializationContext ctxt, BeanProperty forProperty,
                                      Object beanInstance) {
        return ctxt.getAttribute(valueId);
    }
}
