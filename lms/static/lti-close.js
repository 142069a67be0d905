// Dynamic registration is done: tell the platform's page that opened Conductor to close it.
(window.opener || window.parent).postMessage({subject: "org.imsglobal.lti.close"}, "*");
