package message

// Status codes of RFC 3261 §21 and the extensions users meet most.
const (
	StatusTrying                = 100
	StatusRinging               = 180
	StatusCallIsBeingForwarded  = 181
	StatusQueued                = 182
	StatusSessionProgress       = 183
	StatusEarlyDialogTerminated = 199

	StatusOK             = 200
	StatusAccepted       = 202
	StatusNoNotification = 204

	StatusMultipleChoices    = 300
	StatusMovedPermanently   = 301
	StatusMovedTemporarily   = 302
	StatusUseProxy           = 305
	StatusAlternativeService = 380

	StatusBadRequest                   = 400
	StatusUnauthorized                 = 401
	StatusPaymentRequired              = 402
	StatusForbidden                    = 403
	StatusNotFound                     = 404
	StatusMethodNotAllowed             = 405
	StatusNotAcceptable                = 406
	StatusProxyAuthenticationRequired  = 407
	StatusRequestTimeout               = 408
	StatusGone                         = 410
	StatusConditionalRequestFailed     = 412
	StatusRequestEntityTooLarge        = 413
	StatusRequestURITooLong            = 414
	StatusUnsupportedMediaType         = 415
	StatusUnsupportedURIScheme         = 416
	StatusUnknownResourcePriority      = 417
	StatusBadExtension                 = 420
	StatusExtensionRequired            = 421
	StatusSessionIntervalTooSmall      = 422
	StatusIntervalTooBrief             = 423
	StatusUseIdentityHeader            = 428
	StatusProvideReferrerIdentity      = 429
	StatusFlowFailed                   = 430
	StatusAnonymityDisallowed          = 433
	StatusBadIdentityInfo              = 436
	StatusUnsupportedCertificate       = 437
	StatusInvalidIdentityHeader        = 438
	StatusFirstHopLacksOutboundSupport = 439
	StatusMaxBreadthExceeded           = 440
	StatusBadInfoPackage               = 469
	StatusConsentNeeded                = 470
	StatusTemporarilyUnavailable       = 480
	StatusCallTransactionDoesNotExist  = 481
	StatusLoopDetected                 = 482
	StatusTooManyHops                  = 483
	StatusAddressIncomplete            = 484
	StatusAmbiguous                    = 485
	StatusBusyHere                     = 486
	StatusRequestTerminated            = 487
	StatusNotAcceptableHere            = 488
	StatusBadEvent                     = 489
	StatusRequestPending               = 491
	StatusUndecipherable               = 493
	StatusSecurityAgreementRequired    = 494

	StatusServerInternalError = 500
	StatusNotImplemented      = 501
	StatusBadGateway          = 502
	StatusServiceUnavailable  = 503
	StatusServerTimeout       = 504
	StatusVersionNotSupported = 505
	StatusMessageTooLarge     = 513
	StatusPreconditionFailure = 580

	StatusBusyEverywhere        = 600
	StatusDecline               = 603
	StatusDoesNotExistAnywhere  = 604
	StatusNotAcceptableAnywhere = 606
	StatusUnwanted              = 607
)

// StatusText returns the reason phrase RFC 3261 (or the extension defining the
// code) gives for code, or "" when the code is unknown.
func StatusText(code int) string {
	switch code {
	case StatusTrying:
		return "Trying"
	case StatusRinging:
		return "Ringing"
	case StatusCallIsBeingForwarded:
		return "Call Is Being Forwarded"
	case StatusQueued:
		return "Queued"
	case StatusSessionProgress:
		return "Session Progress"
	case StatusEarlyDialogTerminated:
		return "Early Dialog Terminated"
	case StatusOK:
		return "OK"
	case StatusAccepted:
		return "Accepted"
	case StatusNoNotification:
		return "No Notification"
	case StatusMultipleChoices:
		return "Multiple Choices"
	case StatusMovedPermanently:
		return "Moved Permanently"
	case StatusMovedTemporarily:
		return "Moved Temporarily"
	case StatusUseProxy:
		return "Use Proxy"
	case StatusAlternativeService:
		return "Alternative Service"
	case StatusBadRequest:
		return "Bad Request"
	case StatusUnauthorized:
		return "Unauthorized"
	case StatusPaymentRequired:
		return "Payment Required"
	case StatusForbidden:
		return "Forbidden"
	case StatusNotFound:
		return "Not Found"
	case StatusMethodNotAllowed:
		return "Method Not Allowed"
	case StatusNotAcceptable:
		return "Not Acceptable"
	case StatusProxyAuthenticationRequired:
		return "Proxy Authentication Required"
	case StatusRequestTimeout:
		return "Request Timeout"
	case StatusGone:
		return "Gone"
	case StatusConditionalRequestFailed:
		return "Conditional Request Failed"
	case StatusRequestEntityTooLarge:
		return "Request Entity Too Large"
	case StatusRequestURITooLong:
		return "Request-URI Too Long"
	case StatusUnsupportedMediaType:
		return "Unsupported Media Type"
	case StatusUnsupportedURIScheme:
		return "Unsupported URI Scheme"
	case StatusUnknownResourcePriority:
		return "Unknown Resource-Priority"
	case StatusBadExtension:
		return "Bad Extension"
	case StatusExtensionRequired:
		return "Extension Required"
	case StatusSessionIntervalTooSmall:
		return "Session Interval Too Small"
	case StatusIntervalTooBrief:
		return "Interval Too Brief"
	case StatusUseIdentityHeader:
		return "Use Identity Header"
	case StatusProvideReferrerIdentity:
		return "Provide Referrer Identity"
	case StatusFlowFailed:
		return "Flow Failed"
	case StatusAnonymityDisallowed:
		return "Anonymity Disallowed"
	case StatusBadIdentityInfo:
		return "Bad Identity-Info"
	case StatusUnsupportedCertificate:
		return "Unsupported Certificate"
	case StatusInvalidIdentityHeader:
		return "Invalid Identity Header"
	case StatusFirstHopLacksOutboundSupport:
		return "First Hop Lacks Outbound Support"
	case StatusMaxBreadthExceeded:
		return "Max-Breadth Exceeded"
	case StatusBadInfoPackage:
		return "Bad Info Package"
	case StatusConsentNeeded:
		return "Consent Needed"
	case StatusTemporarilyUnavailable:
		return "Temporarily Unavailable"
	case StatusCallTransactionDoesNotExist:
		return "Call/Transaction Does Not Exist"
	case StatusLoopDetected:
		return "Loop Detected"
	case StatusTooManyHops:
		return "Too Many Hops"
	case StatusAddressIncomplete:
		return "Address Incomplete"
	case StatusAmbiguous:
		return "Ambiguous"
	case StatusBusyHere:
		return "Busy Here"
	case StatusRequestTerminated:
		return "Request Terminated"
	case StatusNotAcceptableHere:
		return "Not Acceptable Here"
	case StatusBadEvent:
		return "Bad Event"
	case StatusRequestPending:
		return "Request Pending"
	case StatusUndecipherable:
		return "Undecipherable"
	case StatusSecurityAgreementRequired:
		return "Security Agreement Required"
	case StatusServerInternalError:
		return "Server Internal Error"
	case StatusNotImplemented:
		return "Not Implemented"
	case StatusBadGateway:
		return "Bad Gateway"
	case StatusServiceUnavailable:
		return "Service Unavailable"
	case StatusServerTimeout:
		return "Server Time-out"
	case StatusVersionNotSupported:
		return "Version Not Supported"
	case StatusMessageTooLarge:
		return "Message Too Large"
	case StatusPreconditionFailure:
		return "Precondition Failure"
	case StatusBusyEverywhere:
		return "Busy Everywhere"
	case StatusDecline:
		return "Decline"
	case StatusDoesNotExistAnywhere:
		return "Does Not Exist Anywhere"
	case StatusNotAcceptableAnywhere:
		return "Not Acceptable"
	case StatusUnwanted:
		return "Unwanted"
	}
	return ""
}
