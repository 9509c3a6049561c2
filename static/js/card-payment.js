// The gateway's own card form (Stripe.js, loaded before this file) on the pay page: the card
// number goes to the gateway, never to this site. Only on the pay page of a production gateway.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#card-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) document.getElementById("card-error").textContent = result.error.message;
      });
  });
})();
