//! `response.function_calls()` and `call.parse_arguments::<T>()`: the function calls a response
//! asks for, with their arguments decoded.

use serde::de::DeserializeOwned;

use crate::types::{FunctionToolCall, OutputItem, Response};

impl Response {
    /// The `function_call` items of `output`, in order: the calls the model wants your code to
    /// run. Answer each with
    /// [`InputItem::function_call_output`](crate::types::InputItem::function_call_output).
    ///
    /// ```
    /// use openai_responses::types::{InputItem, Response};
    /// # let response: Response = serde_json::from_value(serde_json::json!({"output": [
    /// #     {"type": "function_call", "call_id": "call_1", "name": "add", "arguments": "{\"a\":1,\"b\":2}"}
    /// # ]})).unwrap();
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Add { a: i64, b: i64 }
    ///
    /// let mut answers = Vec::new();
    /// for call in response.function_calls() {
    ///     if call.name == "add" {
    ///         let args: Add = call.parse_arguments().expect("arguments follow the schema");
    ///         answers.push(InputItem::function_call_output(call.call_id.as_str(), (args.a + args.b).to_string()));
    ///     }
    /// }
    /// assert_eq!(answers.len(), 1);
    /// ```
    pub fn function_calls(&self) -> impl Iterator<Item = &FunctionToolCall> + '_ {
        self.output.iter().filter_map(|item| match item {
            OutputItem::FunctionCall(call) => Some(&**call),
            _ => None,
        })
    }
}

impl FunctionToolCall {
    /// Decodes `arguments` (a JSON-encoded string) as `T`.
    ///
    /// With `strict: true` on the tool the arguments follow its schema; without it, or when the
    /// model stopped early, they may not, hence the `Result`.
    ///
    /// ```
    /// use openai_responses::types::FunctionToolCall;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Weather { city: String }
    ///
    /// let call = FunctionToolCall { arguments: r#"{"city":"Lyon"}"#.into(), ..Default::default() };
    /// let args: Weather = call.parse_arguments()?;
    /// assert_eq!(args.city, "Lyon");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn parse_arguments<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.arguments)
    }
}
