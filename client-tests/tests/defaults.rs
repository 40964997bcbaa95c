//! No placeholders on the wire: `Default::default()` of every generated struct (so of every
//! struct reachable from the request bodies) encodes to nothing but its wire tag, `{}` or
//! `{"type": "<literal>"}`, so a request built with `..Default::default()` sends only what was
//! set. The operations' parameter structs at their default send no query, and the default
//! request bodies send nothing but the operation's own `stream` flag.

use openai_responses::api::{InputItemsParams, RetrieveParams};
use openai_responses::{types, Client, Error};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// Every struct of the generated crate, by Rust name, with its `Default` encoded.
macro_rules! struct_defaults {
    ($($ty:ident),* $(,)?) => {
        fn struct_defaults() -> BTreeMap<&'static str, Value> {
            let mut out = BTreeMap::new();
            $(out.insert(stringify!($ty), serde_json::to_value(types::$ty::default()).expect("encodes"));)*
            out
        }
    };
}

struct_defaults! {
    // WebSocket mode: the events of ResponsesClientEvent and ResponsesServerEvent.
    ErrorPayload, ResponseWsError, ResponsesClientEventResponseCreate,
    ResponsesServerEventResponseAudioTranscriptWsDelta,
    ResponsesServerEventResponseAudioTranscriptWsDone, ResponsesServerEventResponseAudioWsDelta,
    ResponsesServerEventResponseAudioWsDone,
    ResponsesServerEventResponseCodeInterpreterCallCodeWsDelta,
    ResponsesServerEventResponseCodeInterpreterCallCodeWsDone,
    ResponsesServerEventResponseCodeInterpreterCallInWsProgress,
    ResponsesServerEventResponseCodeInterpreterCallWsCompleted,
    ResponsesServerEventResponseCodeInterpreterCallWsInterpreting,
    ResponsesServerEventResponseContentPartWsAdded, ResponsesServerEventResponseContentPartWsDone,
    ResponsesServerEventResponseCustomToolCallInputWsDelta,
    ResponsesServerEventResponseCustomToolCallInputWsDone,
    ResponsesServerEventResponseFileSearchCallInWsProgress,
    ResponsesServerEventResponseFileSearchCallWsCompleted,
    ResponsesServerEventResponseFileSearchCallWsSearching,
    ResponsesServerEventResponseFunctionCallArgumentsWsDelta,
    ResponsesServerEventResponseFunctionCallArgumentsWsDone,
    ResponsesServerEventResponseImageGenCallInWsProgress,
    ResponsesServerEventResponseImageGenCallPartialWsImage,
    ResponsesServerEventResponseImageGenCallWsCompleted,
    ResponsesServerEventResponseImageGenCallWsGenerating, ResponsesServerEventResponseInWsProgress,
    ResponsesServerEventResponseMcpCallArgumentsWsDelta,
    ResponsesServerEventResponseMcpCallArgumentsWsDone,
    ResponsesServerEventResponseMcpCallInWsProgress, ResponsesServerEventResponseMcpCallWsCompleted,
    ResponsesServerEventResponseMcpCallWsFailed,
    ResponsesServerEventResponseMcpListToolsInWsProgress,
    ResponsesServerEventResponseMcpListToolsWsCompleted,
    ResponsesServerEventResponseMcpListToolsWsFailed, ResponsesServerEventResponseOutputItemWsAdded,
    ResponsesServerEventResponseOutputItemWsDone,
    ResponsesServerEventResponseOutputTextAnnotationWsAdded,
    ResponsesServerEventResponseReasoningSummaryPartWsAdded,
    ResponsesServerEventResponseReasoningSummaryPartWsDone,
    ResponsesServerEventResponseReasoningSummaryTextWsDelta,
    ResponsesServerEventResponseReasoningSummaryTextWsDone,
    ResponsesServerEventResponseReasoningTextWsDelta,
    ResponsesServerEventResponseReasoningTextWsDone, ResponsesServerEventResponseRefusalWsDelta,
    ResponsesServerEventResponseRefusalWsDone, ResponsesServerEventResponseShellCallCommandWsAdded,
    ResponsesServerEventResponseShellCallCommandWsDelta,
    ResponsesServerEventResponseShellCallCommandWsDone,
    ResponsesServerEventResponseShellCallOutputContentWsDelta,
    ResponsesServerEventResponseShellCallOutputContentWsDone,
    ResponsesServerEventResponseTextWsDelta, ResponsesServerEventResponseTextWsDone,
    ResponsesServerEventResponseWebSearchCallInWsProgress,
    ResponsesServerEventResponseWebSearchCallWsCompleted,
    ResponsesServerEventResponseWebSearchCallWsSearching, ResponsesServerEventResponseWsCompleted,
    ResponsesServerEventResponseWsCreated, ResponsesServerEventResponseWsFailed,
    ResponsesServerEventResponseWsIncomplete, ResponsesServerEventResponseWsQueued,
    AdditionalTools, AdditionalToolsItemParam, ApplyPatchCreateFileOperation,
    ApplyPatchCreateFileOperationParam, ApplyPatchDeleteFileOperation,
    ApplyPatchDeleteFileOperationParam, ApplyPatchToolCall, ApplyPatchToolCallItemParam,
    ApplyPatchToolCallOutput, ApplyPatchToolCallOutputItemParam, ApplyPatchToolParam,
    ApplyPatchUpdateFileOperation, ApplyPatchUpdateFileOperationParam, ApproximateLocation,
    AutoCodeInterpreterToolParam, ClickParam, CodeInterpreterOutputImage, CodeInterpreterOutputLogs,
    CodeInterpreterTool, CodeInterpreterToolCall, CompactResource, CompactResponseMethodPublicBody,
    CompactionBody, CompactionSummaryItemParam, CompactionTriggerItemParam, ComparisonFilter,
    CompoundFilter, ComputerCallOutputItemParam, ComputerCallSafetyCheckParam,
    ComputerScreenshotContent, ComputerScreenshotImage, ComputerTool, ComputerToolCall,
    ComputerToolCallOutput, ComputerToolCallOutputResource, ComputerUsePreviewTool,
    ContainerAutoParam, ContainerFileCitationBody, ContainerNetworkPolicyAllowlistParam,
    ContainerNetworkPolicyDisabledParam, ContainerNetworkPolicyDomainSecretParam,
    ContainerReferenceParam, ContainerReferenceResource, ContextManagementParam, ConversationParam2,
    CoordParam, CreateModelResponseProperties, CreateResponse, CustomGrammarFormatParam,
    CustomToolCall, CustomToolCallOutput, CustomToolCallOutputResource, CustomToolCallResource,
    CustomToolParam, DeletedResponse, DirectToolCallCaller, DoubleClickAction, DragParam,
    EasyInputMessage, EmptyModelParam, ErrorResponse, ErrorSchema, FileCitationBody, FilePath,
    FileSearchTool, FileSearchToolCall, FileSearchToolCallResultsItem, FunctionCallOutputItemParam,
    FunctionShellAction, FunctionShellActionParam, FunctionShellCall, FunctionShellCallItemParam,
    FunctionShellCallOutput, FunctionShellCallOutputContent, FunctionShellCallOutputContentParam,
    FunctionShellCallOutputExitOutcome, FunctionShellCallOutputItemParam,
    FunctionShellCallOutputTimeoutOutcome, FunctionShellToolParam, FunctionTool, FunctionToolCall,
    FunctionToolCallOutput, FunctionToolCallOutputResource, FunctionToolCallResource,
    FunctionToolParam, HttpError, HybridSearchOptions, ImageGenTool, ImageGenToolCall,
    ImageGenToolInputImageMask, InlineSkillParam, InlineSkillSourceParam, InputFileContent,
    InputFileContentParam, InputImageContent, InputImageContentParamAutoParam, InputMessage,
    InputMessageResource, InputTextContent, InputTextContentParam, ItemReferenceParam,
    KeyPressAction, LocalEnvironmentParam, LocalEnvironmentResource, LocalShellExecAction,
    LocalShellToolCall, LocalShellToolCallOutput, LocalShellToolParam, LocalSkillParam, LogProb,
    McpApprovalRequest, McpApprovalResponse, McpApprovalResponseResource, McpListTools,
    McpListToolsTool, McpProtocolError, McpTool, McpToolCall, McpToolExecutionError, McpToolFilter,
    McpToolRequireApprovalMcpToolApprovalFilter, Message, ModelResponseProperties, Moderation,
    ModerationConfigParam, ModerationErrorBody, ModerationParam, ModerationPolicyParam,
    ModerationResultBody, MoveParam, NamespaceToolParam, OutputMessage, OutputTextContent, Program,
    ProgramItemParam, ProgramOutput, ProgramToolCallCaller, ProgrammaticToolCallingParam, Prompt,
    PromptCacheBreakpointParam, PromptCacheOptions, PromptCacheOptionsParam, RankingOptions,
    Reasoning, ReasoningItem, ReasoningTextContent, RefusalContent, Response,
    ResponseAudioDeltaEvent, ResponseAudioDoneEvent, ResponseAudioTranscriptDeltaEvent,
    ResponseAudioTranscriptDoneEvent, ResponseCodeInterpreterCallCodeDeltaEvent,
    ResponseCodeInterpreterCallCodeDoneEvent, ResponseCodeInterpreterCallCompletedEvent,
    ResponseCodeInterpreterCallInProgressEvent, ResponseCodeInterpreterCallInterpretingEvent,
    ResponseCompletedEvent, ResponseContentPartAddedEvent, ResponseContentPartDoneEvent,
    ResponseCreatedEvent, ResponseCustomToolCallInputDeltaEvent,
    ResponseCustomToolCallInputDoneEvent, ResponseError, ResponseErrorEvent, ResponseFailedEvent,
    ResponseFileSearchCallCompletedEvent, ResponseFileSearchCallInProgressEvent,
    ResponseFileSearchCallSearchingEvent, ResponseFormatJsonObject, ResponseFormatText,
    ResponseFunctionCallArgumentsDeltaEvent, ResponseFunctionCallArgumentsDoneEvent,
    ResponseImageGenCallCompletedEvent, ResponseImageGenCallGeneratingEvent,
    ResponseImageGenCallInProgressEvent, ResponseImageGenCallPartialImageEvent,
    ResponseInProgressEvent, ResponseIncompleteDetails, ResponseIncompleteEvent, ResponseItemList,
    ResponseLogProb, ResponseLogProbTopLogprobsItem, ResponseMcpCallArgumentsDeltaEvent,
    ResponseMcpCallArgumentsDoneEvent, ResponseMcpCallCompletedEvent, ResponseMcpCallFailedEvent,
    ResponseMcpCallInProgressEvent, ResponseMcpListToolsCompletedEvent,
    ResponseMcpListToolsFailedEvent, ResponseMcpListToolsInProgressEvent,
    ResponseOutputItemAddedEvent, ResponseOutputItemDoneEvent,
    ResponseOutputTextAnnotationAddedEvent, ResponseProperties, ResponseQueuedEvent,
    ResponseReasoningSummaryPartAddedEvent, ResponseReasoningSummaryPartAddedEventPart,
    ResponseReasoningSummaryPartDoneEvent, ResponseReasoningSummaryPartDoneEventPart,
    ResponseReasoningSummaryTextDeltaEvent, ResponseReasoningSummaryTextDoneEvent,
    ResponseReasoningTextDeltaEvent, ResponseReasoningTextDoneEvent, ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent, ResponseShellCallCommandAddedStreamingEvent,
    ResponseShellCallCommandDeltaStreamingEvent, ResponseShellCallCommandDoneStreamingEvent,
    ResponseShellCallOutputContentDeltaStreamingEvent,
    ResponseShellCallOutputContentDoneStreamingEvent, ResponseStreamOptions, ResponseTextDeltaEvent,
    ResponseTextDoneEvent, ResponseTextParam, ResponseUsage, ResponseUsageInputTokensDetails,
    ResponseUsageOutputTokensDetails, ResponseWebSearchCallCompletedEvent,
    ResponseWebSearchCallInProgressEvent, ResponseWebSearchCallSearchingEvent, ScreenshotParam,
    ScrollParam, ShellCallOutputDelta, SkillReferenceParam, SpecificApplyPatchParam,
    SpecificFunctionShellParam, SummaryTextContent, TextContent, TextResponseFormatJsonSchema,
    TokenCountsBody, TokenCountsResource, ToolChoiceAllowed, ToolChoiceCustom, ToolChoiceFunction,
    ToolChoiceMcp, ToolChoiceTypes, ToolSearchCall, ToolSearchCallItemParam, ToolSearchOutput,
    ToolSearchOutputItemParam, ToolSearchToolParam, TopLogProb, TypeParam, UrlCitationBody,
    WaitParam, WebSearchActionFind, WebSearchActionOpenPage, WebSearchActionSearch,
    WebSearchActionSearchSourcesItem, WebSearchApproximateLocation, WebSearchPreviewTool,
    WebSearchTool, WebSearchToolCall, WebSearchToolFilters, WebhookResponseCancelled,
    WebhookResponseCompleted, WebhookResponseFailed, WebhookResponseFailedData,
    WebhookResponseIncomplete,
}

/// The structs the generated crate declares (`crate::wire::object!(Name, extra, tag "type" =
/// "value", ..)`), read from its sources, each with its wire tag when it has one.
fn declared_structs() -> BTreeMap<String, Option<String>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src/types");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("generated/src/types") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for invocation in text.split("crate::wire::object!(").skip(1) {
            let head = invocation.split('{').next().unwrap_or_default();
            let parts: Vec<&str> = head.split(',').map(str::trim).collect();
            let tag = parts.get(2).and_then(|p| p.strip_prefix("tag \"type\" =")).map(|v| v.trim().trim_matches('"').to_owned());
            out.insert(parts[0].to_owned(), tag);
        }
    }
    out
}

/// Every one-value `type` of the spec (`enum: [x]` or `const: x`): the literals a tag may hold.
fn type_literals(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(t)) = map.get("properties").and_then(|p| p.get("type")) {
                let one = match (t.get("enum"), t.get("const")) {
                    (Some(Value::Array(values)), _) if values.len() == 1 => values[0].as_str(),
                    (_, Some(Value::String(c))) => Some(c.as_str()),
                    _ => None,
                };
                out.extend(one.map(str::to_owned));
            }
            map.values().for_each(|v| type_literals(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| type_literals(v, out)),
        _ => {}
    }
}

#[test]
fn every_generated_struct_is_listed() {
    let declared: BTreeSet<String> = declared_structs().into_keys().collect();
    let listed: BTreeSet<String> = struct_defaults().into_keys().map(str::to_owned).collect();
    assert!(declared.len() > 200, "only {} structs found in generated/src/types", declared.len());
    let missing: Vec<_> = declared.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&declared).collect();
    assert!(missing.is_empty(), "add these to struct_defaults!: {missing:?}");
    assert!(gone.is_empty(), "these are no longer generated: {gone:?}");
}

#[test]
fn defaults_encode_to_their_tag_alone() {
    let declared = declared_structs();
    let mut literals = BTreeSet::new();
    type_literals(&client_tests::our_spec(), &mut literals);
    let mut wrong = Vec::new();
    let mut tagged = 0;
    for (name, value) in struct_defaults() {
        let tag = declared.get(name).cloned().flatten();
        let want = match &tag {
            Some(t) => json!({"type": t}),
            None => json!({}),
        };
        if value != want {
            wrong.push(format!("{name}: {value} (want {want})"));
        }
        if let Some(t) = tag {
            tagged += 1;
            if !literals.contains(&t) {
                wrong.push(format!("{name}: tag {t:?} is no one-value `type` of the spec"));
            }
        }
    }
    println!("{} struct defaults checked, {tagged} of them tagged", declared.len());
    assert!(tagged > 100, "only {tagged} tagged structs");
    assert!(wrong.is_empty(), "defaults that send more than their tag:\n{}", wrong.join("\n"));
}

#[test]
fn request_side_defaults_named_in_the_brief() {
    // The request body and its most used parts, spelled out (also covered by the test above).
    let cases: Vec<(Value, Value)> = vec![
        (serde_json::to_value(types::CreateResponse::default()).unwrap(), json!({})),
        (serde_json::to_value(types::TokenCountsBody::default()).unwrap(), json!({})),
        (serde_json::to_value(types::CompactResponseMethodPublicBody::default()).unwrap(), json!({})),
        (serde_json::to_value(types::EasyInputMessage::default()).unwrap(), json!({})),
        // `type` is optional on an input message: not a tag, so not sent unless set.
        (serde_json::to_value(types::InputMessage::default()).unwrap(), json!({})),
        (serde_json::to_value(types::FunctionCallOutputItemParam::default()).unwrap(), json!({"type": "function_call_output"})),
        (serde_json::to_value(types::InputTextContent::default()).unwrap(), json!({"type": "input_text"})),
        (serde_json::to_value(types::InputImageContent::default()).unwrap(), json!({"type": "input_image"})),
        (serde_json::to_value(types::InputFileContent::default()).unwrap(), json!({"type": "input_file"})),
        (serde_json::to_value(types::FunctionTool::default()).unwrap(), json!({"type": "function"})),
        (serde_json::to_value(types::FileSearchTool::default()).unwrap(), json!({"type": "file_search"})),
        (serde_json::to_value(types::McpTool::default()).unwrap(), json!({"type": "mcp"})),
        (serde_json::to_value(types::Reasoning::default()).unwrap(), json!({})),
        (serde_json::to_value(types::ResponseTextParam::default()).unwrap(), json!({})),
    ];
    for (i, (got, want)) in cases.iter().enumerate() {
        assert_eq!(got, want, "case {i}");
    }
    // Through the unions that carry them, too.
    let item = types::InputItem::from(types::EasyInputMessage::default());
    assert_eq!(serde_json::to_value(&item).unwrap(), json!({}));
    let tool = types::Tool::from(types::FunctionTool::default());
    assert_eq!(serde_json::to_value(&tool).unwrap(), json!({"type": "function"}));
}

/// One recorded request: its request line and its JSON body (`Null` when it had none).
#[derive(Debug, Clone)]
struct Seen {
    line: String,
    body: Value,
}

/// Answers every request with `200 application/json {}` on a thread and records it.
fn json_server() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            let mut reader = BufReader::new(socket.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end().to_ascii_lowercase();
                if header.is_empty() {
                    break;
                }
                if let Some(v) = header.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let body = if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap() };
            record.lock().unwrap().push(Seen { line: line.trim_end().to_owned(), body });
            let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
            socket.write_all(reply.as_bytes()).unwrap();
        }
    });
    (base_url, seen)
}

#[tokio::test]
async fn default_params_and_bodies_send_nothing_unset() {
    let (base_url, seen) = json_server();
    let client = Client::builder().api_key("sk-test").base_url(base_url).max_retries(0).build().unwrap();
    let responses = client.responses();
    responses.retrieve("resp_1").await.unwrap();
    responses.retrieve_with("resp_1", &RetrieveParams::default()).await.unwrap();
    responses.input_items("resp_1").await.unwrap();
    responses.input_items_with("resp_1", &InputItemsParams::default()).await.unwrap();
    responses.create(&types::CreateResponse::default()).await.unwrap();
    match responses.create_stream(&types::CreateResponse::default()).await {
        Err(Error::UnexpectedContentType { status: 200, content_type, .. }) => {
            assert_eq!(content_type.as_deref(), Some("application/json"))
        }
        other => panic!("a JSON answer to a stream request: {:?}", other.map(|_| "a stream")),
    }
    responses.input_tokens(&types::TokenCountsBody::default()).await.unwrap();
    responses.compact(&types::CompactResponseMethodPublicBody::default()).await.unwrap();
    let literal = types::CreateResponse {
        model: "gpt-5".into(),
        input: "hi".into(),
        tools: vec![types::Tool::from(types::FunctionTool { name: "lookup".into(), ..Default::default() })].into(),
        ..Default::default()
    };
    responses.create(&literal).await.unwrap();

    let seen = seen.lock().unwrap().clone();
    let lines: Vec<&str> = seen.iter().map(|s| s.line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "GET /v1/responses/resp_1 HTTP/1.1",
            "GET /v1/responses/resp_1 HTTP/1.1",
            "GET /v1/responses/resp_1/input_items HTTP/1.1",
            "GET /v1/responses/resp_1/input_items HTTP/1.1",
            "POST /v1/responses HTTP/1.1",
            "POST /v1/responses HTTP/1.1",
            "POST /v1/responses/input_tokens HTTP/1.1",
            "POST /v1/responses/compact HTTP/1.1",
            "POST /v1/responses HTTP/1.1",
        ],
        "default params add no query"
    );
    let bodies: Vec<&Value> = seen.iter().map(|s| &s.body).collect();
    assert!(bodies[..4].iter().all(|b| b.is_null()), "GETs carry no body: {bodies:?}");
    // The operation's own flag is the only key of a default create body.
    assert_eq!(*bodies[4], json!({"stream": false}));
    assert_eq!(*bodies[5], json!({"stream": true}));
    assert_eq!(*bodies[6], json!({}));
    assert_eq!(*bodies[7], json!({}));
    assert_eq!(*bodies[8], json!({"model": "gpt-5", "input": "hi", "tools": [{"type": "function", "name": "lookup"}], "stream": false}));
}
