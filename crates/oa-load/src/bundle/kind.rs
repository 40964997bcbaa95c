//! What an OpenAPI node is, from where it sits: the bundler follows `$ref`s only where the
//! specification allows them (not inside example values or defaults, which are data), and
//! files a referenced part under the `components` section its position calls for.

/// The object (or map of objects) a node is, as far as references are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    /// A map of path items: `paths`, `webhooks`, `components/pathItems`.
    Paths,
    /// One callback: a map from expressions to path items.
    PathItems,
    PathItem,
    Operation,
    /// The `parameters` list of a path item or operation.
    ParameterList,
    ParameterMap,
    Parameter,
    RequestBodies,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Encodings,
    Encoding,
    Headers,
    Header,
    Examples,
    Example,
    Links,
    Link,
    Callbacks,
    SecuritySchemes,
    SecurityScheme,
    Components,
    /// A map from names to schemas: `properties`, `$defs`, `components/schemas`, …
    Schemas,
    /// A list of schemas: `allOf`, `prefixItems`, …
    SchemaList,
    Schema,
    Discriminator,
    /// `discriminator/mapping`: its values are schema names or references.
    Mapping,
    /// Anything else (extensions, `info`, unknown keywords): references are followed as schemas.
    Any,
}

use Kind::*;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Kind {
    /// The kind of the value under `key`; `None` when it is data, where a `$ref` is no reference.
    pub(crate) fn child(self, key: &str) -> Option<Kind> {
        // Fixed-field objects and maps keyed by paths or codes take extensions; maps keyed by
        // names (`properties`, component sections) may hold a schema named `x-…`.
        let takes_extensions = !matches!(
            self,
            Schemas | ParameterMap | RequestBodies | Content | Encodings | Headers | Examples | Links | Callbacks | SecuritySchemes | Mapping
        );
        if takes_extensions && key.starts_with("x-") {
            return Some(Any);
        }
        Some(match self {
            Root => match key {
                "paths" | "webhooks" => Paths,
                "components" => Components,
                _ => Any,
            },
            Paths | PathItems => PathItem,
            PathItem => match key {
                "parameters" => ParameterList,
                k if METHODS.contains(&k) => Operation,
                _ => Any,
            },
            Operation => match key {
                "parameters" => ParameterList,
                "requestBody" => RequestBody,
                "responses" => Responses,
                "callbacks" => Callbacks,
                _ => Any,
            },
            Parameter | Header => match key {
                "schema" => Schema,
                "content" => Content,
                "examples" => Examples,
                "example" => return None,
                _ => Any,
            },
            RequestBody => match key {
                "content" => Content,
                _ => Any,
            },
            Response => match key {
                "headers" => Headers,
                "content" => Content,
                "links" => Links,
                _ => Any,
            },
            MediaType => match key {
                "schema" => Schema,
                "examples" => Examples,
                "encoding" => Encodings,
                "example" => return None,
                _ => Any,
            },
            Encoding => match key {
                "headers" => Headers,
                _ => Any,
            },
            Example => match key {
                "value" => return None,
                _ => Any,
            },
            // `parameters` and `requestBody` of a link are runtime expressions or data.
            Link => match key {
                "server" => Any,
                _ => return None,
            },
            Components => components_child(key),
            Schema => return schema_child(key),
            Discriminator => match key {
                "mapping" => Mapping,
                _ => Any,
            },
            Mapping => return None,
            Responses => Response,
            Content => MediaType,
            Encodings => Encoding,
            Headers => Header,
            Examples => Example,
            Links => Link,
            Callbacks => PathItems,
            ParameterMap => Parameter,
            RequestBodies => RequestBody,
            SecuritySchemes => SecurityScheme,
            Schemas => Schema,
            SchemaList | ParameterList | SecurityScheme | Any => Any,
        })
    }

    /// The kind of each item when the node is a list.
    pub(crate) fn item(self) -> Option<Kind> {
        Some(match self {
            ParameterList => Parameter,
            // `items: [..]` (draft 4 tuples) as well as `allOf` and friends.
            SchemaList | Schema => Schema,
            Link | Mapping => return None,
            _ => Any,
        })
    }

    /// The `components` section a referenced object of this kind is copied to; `None` for
    /// what is copied in place of its reference instead: path items (`components/pathItems`
    /// is 3.1 only, and operations read better where they are used) and maps of things
    /// (`schemas: {$ref: schemas.yaml}`), which no section holds.
    pub(crate) fn section(self) -> Option<&'static str> {
        Some(match self {
            Parameter => "parameters",
            RequestBody => "requestBodies",
            Response => "responses",
            Header => "headers",
            Example => "examples",
            Link => "links",
            PathItems => "callbacks",
            SecurityScheme => "securitySchemes",
            Schema | Any => "schemas",
            _ => return None,
        })
    }

    /// The kind of the objects in the `components` section `name` (schemas when unknown).
    pub(crate) fn of_section(name: &str) -> Kind {
        match Components.child(name) {
            Some(Any) | None => Schema,
            Some(map) => map.child("").unwrap_or(Schema),
        }
    }
}

fn components_child(key: &str) -> Kind {
    match key {
        "schemas" => Schemas,
        "responses" => Responses,
        "parameters" => ParameterMap,
        "examples" => Examples,
        "requestBodies" => RequestBodies,
        "headers" => Headers,
        "securitySchemes" => SecuritySchemes,
        "links" => Links,
        "callbacks" => Callbacks,
        "pathItems" => Paths,
        _ => Any,
    }
}

/// Schema keywords that hold schemas (JSON Schema 2020-12 and draft 4 for 3.0), and the ones
/// that hold data.
fn schema_child(key: &str) -> Option<Kind> {
    Some(match key {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => Schemas,
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => SchemaList,
        "items" | "additionalItems" | "additionalProperties" | "not" | "if" | "then" | "else" | "contains"
        | "propertyNames" | "unevaluatedItems" | "unevaluatedProperties" | "contentSchema" => Schema,
        "discriminator" => Discriminator,
        "example" | "examples" | "default" | "const" | "enum" => return None,
        _ => Any,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip() {
        for s in ["schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks"] {
            assert_eq!(Kind::of_section(s).section(), Some(s), "{s}");
        }
        assert_eq!(Kind::of_section("pathItems"), PathItem);
        assert_eq!(PathItem.section(), None);
        assert_eq!(Root.child("paths").unwrap().section(), None);
        assert_eq!(Components.child("schemas").unwrap().section(), None);
        assert_eq!(Kind::of_section("x-unknown"), Schema);
    }

    #[test]
    fn data_is_not_walked() {
        assert_eq!(Schema.child("example"), None);
        assert_eq!(MediaType.child("examples").and_then(|e| e.child("one")).and_then(|e| e.child("value")), None);
        // A property that happens to be called `example` is a schema.
        assert_eq!(Schema.child("properties").and_then(|p| p.child("example")), Some(Schema));
        assert_eq!(Schemas.child("x-rate"), Some(Schema));
        assert_eq!(Operation.child("x-rate"), Some(Any));
    }
}
