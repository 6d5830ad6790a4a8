/*
 * The swarm visualizer's script: listen to /events and draw each view it brings.
 *
 * Each event carries the whole view (see swarm-visualize-view.h for its fields), so drawing is
 * one function from the view to the page, with no memory of the view before: the page is
 * redrawn from scratch on each change, which at a classroom's size (tens of tasks) is instant
 * and cannot drift from the truth. Text is set with textContent, never parsed as HTML, so a
 * hostname or a message cannot inject markup into the page.
 */
"use strict";

/* make("li", {class: "task", "data-state": "running"}, "web.1") */
function make(tag, attributes, text) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes || {}))
		element.setAttribute(name, value);
	if (text !== undefined)
		element.textContent = text;
	return element;
}

/* A task's state in words: "running", or "running, stopping" when it is being shut down. */
function taskStateText(task) {
	return task.desired === "shutdown" && task.state !== "shutdown" ? task.state + ", stopping" : task.state;
}

function drawTask(task, nodeId) {
	const box = make("li", { class: "task", "data-task": task.name, "data-node": nodeId, "data-state": task.state,
		title: task.message || task.state, style: "--hue: " + task.hue });
	if (task.desired === "shutdown")
		box.classList.add("stopping");
	box.append(make("span", { class: "name" }, task.name),
		make("span", { class: "state" }, taskStateText(task)));
	return box;
}

function drawNode(node) {
	const column = make("section", { class: "node", "data-node": node.id, "aria-labelledby": "node-" + node.id });
	if (node.leader)
		column.classList.add("leader");
	if (node.status === "down")
		column.classList.add("down");
	const title = make("h2", { id: "node-" + node.id }, node.hostname);
	column.append(title);
	if (node.leader)
		column.append(make("p", { class: "leader-mark" }, "★ Leader"));
	const facts = make("dl");
	const fact = (name, value, extra) => {
		facts.append(make("dt", {}, name), make("dd", extra || {}, value));
	};
	fact("Role", node.role + (node.manager_status && !node.leader ? " (" + node.manager_status + ")" : ""));
	fact("Status", node.status, node.status === "down" ? { class: "down" } : {});
	fact("Availability", node.availability);
	column.append(facts);
	if (node.tasks.length === 0) {
		column.append(make("p", { class: "empty" }, "no tasks"));
	} else {
		const list = make("ul", { class: "tasks", "aria-label": "Tasks on " + node.hostname });
		for (const task of node.tasks)
			list.append(drawTask(task, node.id));
		column.append(list);
	}
	return column;
}

function drawServices(services) {
	const list = document.getElementById("service-list");
	list.replaceChildren(...services.map((service) => {
		const count = service.replicas < 0 ? service.running + " running (global)"
			: service.running + "/" + service.replicas + " running";
		return make("li", { "data-service": service.name, style: "--hue: " + service.hue }, service.name + " " + count);
	}));
}

function draw(view) {
	const problem = document.getElementById("problem");
	problem.hidden = !view.error;
	problem.textContent = view.error || "";
	drawServices(view.services);
	const nodes = document.getElementById("nodes");
	nodes.replaceChildren(...view.nodes.map(drawNode));
	nodes.dataset.updates = String(Number(nodes.dataset.updates) + 1);
	const pending = document.getElementById("pending");
	pending.hidden = view.pending.length === 0;
	document.getElementById("pending-tasks").replaceChildren(...view.pending.map((task) => drawTask(task, "")));
}

function showConnection(state, text) {
	const status = document.getElementById("connection");
	status.dataset.connection = state;
	status.textContent = text;
}

function listen() {
	const events = new EventSource("/events");
	events.onopen = () => showConnection("live", "Live");
	/* The browser reconnects by itself after the server's "retry:" delay; the page keeps the
	 * last view meanwhile and says it may be out of date. */
	events.onerror = () => showConnection("lost", "Connection lost: reconnecting… (what is shown may be out of date)");
	events.onmessage = (event) => draw(JSON.parse(event.data));
}

listen();
