package slack

// EncodeReply lets the black-box tests hold the hand-written reply encoder
// against encoding/json.
var EncodeReply = encodeReply
